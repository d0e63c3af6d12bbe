// A sandbox with no accounts, loaded by real k6 through the shipped `simple`
// scenario: every login answers 401 and half the requests fail. loadctl says
// why and names the command that fixes it (`loadctl setup-users --count N`);
// after running it, the same profile passes with no hint. Under --chaos the
// failing baseline is said before the fault goes in (a real Redis container
// is the fault's target, stopped for a second and started again).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { k6Skip, k6Versions, realK6 } from '../kit/parts.ts';
import { setupUsers } from '../../src/users/setup.ts';
import { docker, dockerSkipReason, redisStopExperiment, startRedis, unique } from '../live-run/harness.ts';
import { ensureBuilt, openProject, readJson, shortProfile, type Project, type Ran } from './harness.ts';

let project: Project;
const containers: string[] = [];
before(async () => {
  ensureBuilt();
  project = await openProject();
  project.write('profiles/few.yaml', shortProfile({ scenario: 'simple', vus: 2, duration: '3s', extra: 'env: { USER_COUNT: "3", THINK_TIME: "0.2" }' }));
});
after(async () => {
  if (containers.length > 0) docker('rm', '-f', ...containers);
  await project?.close();
});

const out = (r: Ran) => `${r.stdout}\n${r.stderr}`;
const hintLine = (r: Ran) => r.stdout.split('\n').find((l) => l.startsWith('hint: '));

for (const version of k6Versions) {
  describe(`real k6 ${version} against a sandbox without accounts`, { skip: k6Skip(version) }, () => {
    test('401s dominate: the hint names setup-users with the scenario\'s USER_COUNT and the target', async () => {
      const r = await project.loadctl(['run', 'few', '--k6', realK6(version), '--no-typecheck']);
      assert.equal(r.code, 1, out(r));
      const hint = hintLine(r);
      assert.ok(hint, out(r));
      const escaped = project.sandbox.url.replace(/[.]/g, '\\.');
      assert.match(hint, new RegExp(`^hint: (\\d+) of \\1 failed requests \\(of \\d+\\) were 401 Unauthorized: .* create them with \`loadctl setup-users --count 3 --base-url ${escaped}\`$`));
      assert.ok(r.stdout.indexOf('hint: ') < r.stdout.indexOf('FAILED: '), 'the hint comes before the verdict');
      const doc = readJson<{ hints: string[] }>(join(r.runDir!, 'result.json'));
      assert.deepEqual(doc.hints, [hint.slice('hint: '.length)]);
    });
  });
}

test('after the hinted setup-users, the same profile passes and says nothing about accounts', { skip: k6Skip('v2.2.0') }, async () => {
  await setupUsers({ baseUrl: project.sandbox.url, count: 3, prefix: 'testuser', domain: 'loadtest.com', password: 'LoadTest123!', concurrency: 3 });
  const r = await project.loadctl(['run', 'few', '--k6', realK6('v2.2.0'), '--no-typecheck']);
  assert.equal(r.code, 0, out(r));
  assert.equal(hintLine(r), undefined);
});

test('--chaos on a baseline that already fails: said before the fault, with the cause and the fix', { skip: dockerSkipReason() || k6Skip('v2.2.0'), timeout: 90_000 }, async (t) => {
  const bare = await openProject();
  t.after(() => bare.close());
  const redis = await startRedis(unique('lc-k6real-baseline'));
  containers.push(redis.name);
  bare.write('profiles/longer.yaml', shortProfile({ scenario: 'simple', vus: 2, duration: '14s', extra: 'env: { USER_COUNT: "3", THINK_TIME: "0.2" }' }));
  bare.write('chaos/redis-stop.yaml', redisStopExperiment(redis.name, redis.port, '1s'));
  // Late enough that the live feed has finished seconds of baseline to judge.
  const r = await bare.loadctl(['run', 'longer', '--chaos', 'redis-stop', '--at', '8s', '--duration', '1s', '--yes', '--k6', realK6('v2.2.0'), '--no-typecheck']);
  const text = out(r);
  assert.equal(r.code, 1, text);
  const escaped = bare.sandbox.url.replace(/[.]/g, '\\.');
  const said = new RegExp(`chaos: the baseline is already failing before the fault: \\d+\\.\\d % of \\d+ requests failed in the last \\d+ s, mostly login \\(\\d+ of \\d+\\); .*\`loadctl setup-users --count 3 --base-url ${escaped}\``);
  assert.match(text, said);
  const starting = text.search(/chaos: .*; starting redis-stop/);
  assert.ok(starting > 0 && text.search(said) < starting, `said before the fault goes in\n${text}`);
  assert.equal(docker('inspect', '--format', '{{.State.Status}}', redis.name), 'running', 'the fault was rolled back');
});
