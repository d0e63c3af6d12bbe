// `loadctl k8s --apply` against a FAKE Kubernetes API server (no cluster can
// run on this machine; see fake-k8s.ts) that plays the k6-operator with REAL
// k6 v2.2.0 runners, on one deterministic HTTP server. loadctl's side is
// the real thing: the client library with a kubeconfig over TLS, the
// receiver, the merge and the verdict. What a real cluster and the real
// operator would do differently is not tested here (README, docs/runners.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandSkip, k6Skip, realK6 } from '../kit/parts.ts';
import { ensureBuilt } from '../k6-real/harness.ts';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { freePort } from '../../src/runners/local.ts';
import { connect } from '../../src/runners/k8s/cluster.ts';
import { fakeCluster, type FakeCluster } from './fake-k8s.ts';
import { countingServer, openProject, readJson, steadyProfile, steadyScenario, type CountingServer, type Project, type ResultDoc } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

const skip = k6Skip('v2.2.0') || commandSkip('openssl', ['version']);

let server: CountingServer;
let project: Project;
let cluster: FakeCluster;
let home: string;
before(async () => {
  if (skip) return;
  ensureBuilt();
  server = await countingServer();
  cluster = await fakeCluster({ k6: realK6('v2.2.0') });
  home = tempDir('loadctl-k8s-home-');
  project = openProject({
    'scenarios/steady.ts': steadyScenario,
    'profiles/steady.yaml': steadyProfile({ vus: 6, duration: '4s' }),
    'profiles/long.yaml': steadyProfile({ vus: 3, duration: '40s' }),
    'profiles/strict.yaml': steadyProfile({ vus: 3, duration: '2s' }).replace('http_reqs: ["count>10"]', 'http_reqs: ["count>1000000"]'),
  });
});
after(async () => {
  project?.close();
  await server?.close();
  await cluster?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const runFolders = () => { const d = join(project.cwd, '.loadctl', 'runs'); return existsSync(d) ? readdirSync(d) : []; };

async function apply(profile: string, extra: string[] = [], o: { kubeconfig?: string; onOutput?: Parameters<Project['loadctl']>[1]; env?: NodeJS.ProcessEnv } = {}) {
  const port = await freePort();
  const args = ['k8s', profile, '--parallelism', '3', '--receiver', `http://127.0.0.1:${port}`, '--base-url', server.url, '--apply', ...extra];
  return project.loadctl(args, o.onOutput, { KUBECONFIG: o.kubeconfig ?? cluster.kubeconfig(), HOME: home, ...o.env });
}

describe('loadctl k8s --apply (fake API server, real k6 v2.2.0 runners)', { skip }, () => {
  test('3 runner pods: one merged verdict, requests = the sum of the runners\' = what the server saw; everything it made deleted', async () => {
    server.reset();
    const calls = cluster.calls.length;
    const stepSummary = join(project.cwd, 'step-summary.md');
    const r = await apply('steady', ['--json', '--junit', 'k8s-junit.xml'], { env: { GITHUB_STEP_SUMMARY: stepSummary } });
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.runners!.count, 3);
    assert.equal(doc.runners!.placement, 'kubernetes');
    const own = doc.runners!.list.map((x) => x.requests ?? 0);
    assert.ok(own.every((n) => n > 0), `every runner pod sent requests: ${own}`);
    assert.equal(doc.totals.requests, own.reduce((a, b) => a + b, 0), 'merged = sum of the runners\' own counts');
    assert.equal(doc.totals.requests, total(server.counts()), 'merged = what the server counted');
    assert.equal(doc.runners!.merge.percentiles, 'merged native histograms', 'the pods\' live feed reached the receiver, tagged per pod');
    assert.deepEqual(doc.runners!.list.map((x) => x.id), [1, 2, 3], 'runner ids are the operator\'s instance_id');
    assert.match(r.out, /"placement": "kubernetes"/, '--json on stdout');
    assert.match(r.out, /merged over 3 runners \(kubernetes, released by the k6-operator\)/);
    assert.match(r.out, /TestRun stage: started/);
    assert.match(r.out, /PASS: .*\(exit 0\)/);
    assert.match(readFileSync(join(project.cwd, 'k8s-junit.xml'), 'utf8'), /testsuite name="loadctl run steady over 3 runners"/);
    assert.match(readFileSync(stepSummary, 'utf8'), /merged over 3 runners \(kubernetes/, 'the step summary names the runners');
    assert.ok(readFileSync(join(r.runDir!, 'runners', '2', 'pod.log'), 'utf8').includes('"metrics"'), 'each pod\'s log kept, with its summary');
    const made = cluster.calls.slice(calls);
    assert.ok(made.some((c) => /^DELETE \/apis\/k6\.io\/v1alpha1\/namespaces\/default\/testruns\/loadctl-steady-/.test(c)), made.join('\n'));
    assert.ok(made.some((c) => /^DELETE \/api\/v1\/namespaces\/default\/configmaps\/loadctl-steady-/.test(c)), made.join('\n'));
    assert.deepEqual(cluster.objects().filter((o) => o.includes('/default/')), [], 'nothing left in the cluster');
  });

  test('shared-iterations 300 over 3 pods: exactly 300 iterations and requests', async () => {
    server.reset();
    const r = await apply('steady', ['--namespace', 'load', '--', '--vus', '6', '--iterations', '300']);
    assert.equal(r.code, 0, r.out);
    const doc = readJson<ResultDoc>(join(r.runDir!, 'result.json'));
    assert.equal(doc.totals.iterations, 300);
    assert.equal(doc.totals.requests, 300);
    assert.equal(total(server.counts()), 300);
    assert.deepEqual(cluster.objects().filter((o) => o.includes('/load/')), []);
  });

  test('a k6 threshold crossed on the merged data fails (exit 1); --keep leaves ConfigMap and TestRun', async () => {
    const r = await apply('strict', ['--keep', '--namespace', 'kept']);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /k6 threshold http_reqs: count>1000000 +│ count=\d+ crossed/);
    assert.match(r.out, /FAILED: 1 of 2 k6 thresholds failed \(exit 1\)/);
    const kept = cluster.objects();
    assert.equal(kept.filter((o) => o.startsWith('configmap/kept/') || o.startsWith('testrun/kept/')).length, 2, kept.join());
  });

  test('pods that cannot reach the receiver: not green, the silent runners named', async () => {
    const dead = await freePort();
    const port = await freePort();
    const r = await project.loadctl(['k8s', 'steady', '--parallelism', '3', '--receiver', `http://127.0.0.1:${dead}`, '--listen', `127.0.0.1:${port}`, '--base-url', server.url, '--apply'],
      undefined, { KUBECONFIG: cluster.kubeconfig(), HOME: home });
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /runner 1, 2, 3 of TestRun \S+ sent nothing to the live feed.*--receiver/);
    assert.deepEqual(cluster.objects().filter((o) => o.includes('/default/')), []);
  });

  test('runners silent once started: loadctl stops the TestRun after 15 s instead of waiting out the 40 s profile', async () => {
    const dead = await freePort();
    const port = await freePort();
    const t0 = Date.now();
    const r = await project.loadctl(['k8s', 'long', '--parallelism', '2', '--receiver', `http://127.0.0.1:${dead}`, '--listen', `127.0.0.1:${port}`, '--base-url', server.url, '--apply'],
      undefined, { KUBECONFIG: cluster.kubeconfig(), HOME: home });
    const took = Date.now() - t0;
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /runner 1, 2 of TestRun \S+ sent nothing to the live feed in 15 s after the runners started/);
    assert.ok(took < 38_000, `stopped early: ${took} ms`);
    assert.deepEqual(cluster.objects().filter((o) => o.includes('/default/')), []);
    const until = Date.now() + 15_000;
    while (cluster.alive() > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    assert.equal(cluster.alive(), 0, 'the runner processes stopped');
  });

  test('an API server that never answers: one line after the request timeout, exit 3 (in-process, short timeout)', async () => {
    const sockets: Socket[] = [];
    const silent = createNetServer((socket) => { sockets.push(socket); socket.on('error', () => undefined); });
    await new Promise<void>((res) => silent.listen(0, '127.0.0.1', res));
    const file = cluster.kubeconfig();
    writeFileSync(file, readFileSync(file, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${(silent.address() as AddressInfo).port}`));
    const saved = process.env.KUBECONFIG;
    process.env.KUBECONFIG = file;
    try {
      const c = await connect(undefined, process.env, 300);
      const t0 = Date.now();
      await assert.rejects(c.preflight(), (e: Error & { exitCode?: number }) => {
        assert.equal(e.exitCode, 3);
        assert.match(e.message, /did not answer within 0\.3 s while listing TestRuns/);
        return true;
      });
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
      for (const sk of sockets) sk.destroy();
      silent.close();
    }
  });

  test('a TestRun the operator ends in stage "error" is not green, and says so', async () => {
    const broken = await fakeCluster({ k6: realK6('v2.2.0'), endInError: true });
    try {
      const r = await apply('steady', [], { kubeconfig: broken.kubeconfig() });
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /ended in stage "error"/);
      assert.deepEqual(broken.objects(), []);
    } finally {
      await broken.close();
    }
  });

  test('Ctrl-C: the TestRun is deleted (its k6 runners stop), what arrived is judged, exit 4', async () => {
    server.reset();
    const before = cluster.started();
    let sent = false;
    const r = await apply('long', [], {
      onOutput: (text, kill) => {
        if (!sent && /TestRun stage: started/.test(text)) {
          sent = true;
          setTimeout(() => kill('SIGINT'), 3000);
        }
      },
    });
    assert.ok(sent, r.out);
    assert.equal(r.code, 4, r.out);
    assert.match(r.out, /SIGINT: deleting TestRun/);
    assert.ok(existsSync(join(r.runDir!, 'timeline.json')), 'what arrived is kept');
    // What arrived is judged: the live feed's figures, never more than the server saw.
    const doc = readJson<ResultDoc & { summary: { source: string } | null }>(join(r.runDir!, 'result.json'));
    assert.equal(doc.summary?.source, 'live-feed');
    assert.ok(doc.totals.requests > 0 && doc.totals.requests <= total(server.counts()), `${doc.totals.requests} of ${total(server.counts())}`);
    assert.ok(doc.totals.httpReqDuration.p99! > 0, 'p99 from the pods\' merged histograms');
    assert.match(r.out, /INTERRUPTED: interrupted by the user; results are partial \(exit 4\)/);
    assert.equal(cluster.started() - before, 3);
    assert.deepEqual(cluster.objects().filter((o) => o.includes('/default/')), [], 'TestRun and ConfigMap deleted');
    const until = Date.now() + 15_000;
    while (cluster.alive() > 0 && Date.now() < until) await new Promise((res) => setTimeout(res, 100));
    assert.equal(cluster.alive(), 0, 'the runner processes stopped');
  });

  describe('a cluster loadctl cannot use: one line, exit 3, nothing made', () => {
    const cases: Array<{ name: string; kubeconfig: () => Promise<string | undefined>; line: RegExp }> = [
      { name: 'no kubeconfig', kubeconfig: async () => undefined, line: /^loadctl: no kubeconfig: KUBECONFIG is unset/m },
      {
        name: 'cluster unreachable',
        kubeconfig: async () => {
          const file = cluster.kubeconfig();
          writeFileSync(file, readFileSync(file, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${await freePort()}`));
          return file;
        },
        line: /^loadctl: the Kubernetes API at https:\/\/127\.0\.0\.1:\d+ cannot be reached \(ECONNREFUSED\)/m,
      },
      { name: '401', kubeconfig: async () => cluster.kubeconfig('wrong-token'), line: /^loadctl: the Kubernetes API at \S+ refused loadctl's credentials \(401\)/m },
      { name: '403', kubeconfig: async () => cluster.kubeconfig('forbidden'), line: /^loadctl: the Kubernetes API at \S+ forbids listing TestRuns .*\(403/m },
    ];
    for (const c of cases) {
      test(c.name, async () => {
        const folders = runFolders().length;
        const objects = cluster.objects().length;
        const file = await c.kubeconfig();
        const env = file === undefined ? { KUBECONFIG: '' } : { KUBECONFIG: file };
        const port = await freePort();
        const r = await project.loadctl(['k8s', 'steady', '--parallelism', '2', '--receiver', `http://127.0.0.1:${port}`, '--apply'], undefined, { ...env, HOME: home });
        assert.equal(r.code, 3, r.out);
        assert.match(r.out, c.line);
        assert.equal(r.out.trim().split('\n').filter((l) => l.startsWith('loadctl: ')).length, 1, r.out);
        assert.match(r.out, /^ {2}fix: /m);
        assert.doesNotMatch(r.out, /\n\s+at .+:\d+:\d+/, 'no stack trace');
        assert.equal(runFolders().length, folders, 'no run folder');
        assert.equal(cluster.objects().length, objects, 'nothing made in the cluster');
      });
    }

    test('the k6-operator not installed (404 on the k6.io group)', async () => {
      const bare = await fakeCluster({ k6: realK6('v2.2.0'), crd: false });
      try {
        const port = await freePort();
        const r = await project.loadctl(['k8s', 'steady', '--parallelism', '2', '--receiver', `http://127.0.0.1:${port}`, '--apply'], undefined, { KUBECONFIG: bare.kubeconfig(), HOME: home });
        assert.equal(r.code, 3, r.out);
        assert.match(r.out, /^loadctl: the cluster at \S+ has no TestRun resource \(k6\.io\/v1alpha1\): the k6-operator is not installed\n {2}fix: install it/m);
        assert.deepEqual(bare.objects(), []);
      } finally {
        await bare.close();
      }
    });
  });
});
