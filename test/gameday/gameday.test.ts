// The game day end to end on the real engine and REAL k6 (v2.2.0), scaled
// down (2 s holds, 10 VUs, 25 s of load each): the stack comes up under this
// test's project, every shipped experiment runs under load with no target
// flag, a real Prometheus (Debian's 2.42) scrapes the stack's booking service
// and consumer so each run judges the runbook's gates and all four shipped
// invariants (backlog-drains is PromQL), the tables and the HTML index come
// out (opened in headless Chromium), netem experiments are skipped with the
// reason on a kernel without sch_netem and never passed, a bystander is
// untouched, and Ctrl-C during the day leaves nothing applied.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { docker, loadctl, loadctlDone } from '../chaos-e2e/harness.ts';
import { Lab } from '../chaos-docker/harness.ts';
import { commandSkip, k6Skip, realK6 } from '../kit/parts.ts';
import { journalPath, pendingIntents, readJournal } from '../../src/chaos/journal.ts';
import { stackDown, stackSkip, testStack, type TestStack } from '../stack/harness.ts';
import { startPrometheus, type RealPrometheus } from '../prometheus/harness.ts';
import { tempDir } from '../kit/temp.ts';

const skip = stackSkip('game day tests') || k6Skip('v2.2.0') || commandSkip('chromium') || commandSkip('prometheus');
const invariantNames = ['no seat sold twice', 'every confirmed booking is stored', 'no seat lock outlives its hold', 'the consumer\'s backlog drains back to its baseline'];
// Ten VUs keep every second busy: a second without requests is not a healthy second, so three VUs with think time can look unrecovered.
const scaled = ['--hold', '2s', '--load-duration', '25s', '--vus', '10', '--users', '20', '--yes'];

function pendingJournal(cwd: string): string[] {
  return pendingIntents(readJournal(journalPath(cwd))).map((e) => e.intent);
}

function allRunning(project: string): string {
  return docker('ps', '-a', '--filter', `label=io.loadctl.stack=${project}`, '--format', '{{.Names}} {{.State}}').split('\n').sort().join('; ');
}

describe('game day', { skip, timeout: 900_000 }, () => {
  let s: TestStack;
  let prom: RealPrometheus | undefined;
  const cwd = tempDir('loadctl-gameday-');
  const lab = new Lab();

  before(async () => {
    s = await testStack();
    // Started before the stack exists, as a team's Prometheus would be: it scrapes the published ports once they answer.
    prom = await startPrometheus([new URL(s.baseUrl).host, new URL(s.consumerUrl).host]);
    await lab.run('bystander', ['--label', `com.docker.compose.project=${s.project}`, '--label', 'com.docker.compose.service=cache']);
    await lab.watchBystander('bystander');
  });
  after(async () => {
    await prom?.stop();
    if (s) await stackDown(s, cwd);
    await lab.cleanup();
  });

  it('every shipped experiment under real k6, one after the other, judged in a real Prometheus: all four invariants hold after each; tables, verdicts, the HTML index in Chromium', async () => {
    const run = await loadctlDone(['gameday', ...s.flags, ...scaled, '--k6', realK6('v2.2.0'), '--prometheus', prom!.url], { cwd, env: { ...s.env, LOADCTL_PROMETHEUS: '' } });
    const out = run.stdout + run.stderr;
    // The whole table and every experiment's reason: which one failed, and why, is the first thing to know.
    assert.equal(run.code, 0, out.slice(-16000));
    const folder = /index: (\S+)index\.html/.exec(run.stdout)?.[1];
    assert.ok(folder, 'the index path is printed');
    type Check = { name: string; status: string; reason: string };
    const day = JSON.parse(readFileSync(join(cwd, folder, 'gameday.json'), 'utf8')) as { exitCode: number; experiments: Array<{ experiment: string; verdict: string; reason: string; runDir?: string; userRecoverySeconds: number | null; probeRecoverySeconds: number | null; faultErrorRate: number | null; gates?: Check[] | null; invariants?: Check[] | null }> };
    assert.deepEqual(day.experiments.map((r) => r.experiment), ['bandwidth', 'db-deadlocks', 'kafka-consumer-lag', 'memory-pressure', 'network-latency', 'network-partition', 'packet-loss', 'redis-failure']);
    for (const row of day.experiments) {
      if (row.experiment === 'network-latency' || row.experiment === 'packet-loss') {
        assert.ok(row.verdict === 'SKIPPED' ? /no sch_netem/.test(row.reason) : row.verdict === 'PASS', `${row.experiment}: ${row.verdict} ${row.reason}`);
        if (row.verdict === 'SKIPPED') continue;
      }
      assert.equal(row.verdict, 'PASS', `${row.experiment}: ${row.reason}`);
      assert.ok(row.runDir && existsSync(join(cwd, folder, row.runDir, 'report.html')), `${row.experiment} has its report.html`);
      assert.equal(typeof row.userRecoverySeconds, 'number');
      assert.equal(typeof row.probeRecoverySeconds, 'number');
      // Nothing lost or doubled, and the backlog drained: PostgreSQL, Redis and Prometheus were read before the load and after recovery.
      const doc = JSON.parse(readFileSync(join(cwd, folder, row.runDir!, 'result.json'), 'utf8')) as { invariants?: { invariants: Check[] }; prometheus?: { url: string; gates: Check[] } };
      const checked = Object.fromEntries((doc.invariants?.invariants ?? []).map((i) => [i.name, i.status]));
      for (const name of invariantNames) assert.equal(checked[name], 'held', `${row.experiment}: ${name} ${JSON.stringify(doc.invariants?.invariants.find((i) => i.name === name))}`);
      // The day's own document carries the same results per experiment.
      assert.deepEqual(row.invariants?.map((i) => [i.name, i.status]), doc.invariants?.invariants.map((i) => [i.name, i.status]));
      assert.equal(doc.prometheus?.url, prom!.url, `${row.experiment}: its run judged gates in the day's Prometheus`);
      const gates = row.gates ?? [];
      assert.ok(gates.some((g) => g.name === 'lock failures <= 10/min' && g.status === 'pass'), `${row.experiment}: lock-failure gate ${JSON.stringify(gates)}`);
      assert.ok(gates.some((g) => g.name === 'consumer lag <= 10000' && g.status === 'pass'), `${row.experiment}: consumer-lag gate ${JSON.stringify(gates)}`);
      console.log(`# ${row.experiment}: users ${row.userRecoverySeconds} s, probes ${row.probeRecoverySeconds} s, errors during fault ${row.faultErrorRate}; gates ${gates.map((g) => `${g.name} ${g.status}`).join(', ')}`);
    }
    const redis = day.experiments.find((r) => r.experiment === 'redis-failure');
    assert.ok((redis?.faultErrorRate ?? 0) > 0, 'users saw errors while Redis was stopped');
    assert.match(run.stdout, /\| Scenario \| VUs \| P99 latency \| Error rate \| Notes \|/);
    assert.match(run.stdout, /\| quick \(simple\) under redis-failure \| 10 \| /, 'each benchmark row names its experiment');
    assert.match(run.stdout, /game day: \d+ passed/);
    assert.match(readFileSync(join(cwd, folder, 'gameday.md'), 'utf8'), /\| Experiment \| Fault \| Hold \| Users' recovery \| Probes' recovery \| Error rate during fault \| Prometheus gates \| Invariants \| Verdict \|/);
    assert.match(readFileSync(join(cwd, folder, 'gameday.md'), 'utf8'), /\| redis-failure \|.*\| \d+ passed[^|]*\| 4 held \| PASS \|/);
    assert.deepEqual(pendingJournal(cwd), [], 'nothing left to undo');
    assert.doesNotMatch(allRunning(s.project), /exited|paused|created/);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`file://${join(cwd, folder, 'index.html')}`);
      assert.equal(await page.locator('table.experiments tbody tr').count(), 8);
      assert.equal(await page.locator('table.benchmarks tbody tr').count(), day.experiments.filter((r) => r.runDir).length);
      assert.equal(await page.locator('table.experiments .badge.pass').count(), day.experiments.filter((r) => r.verdict === 'PASS').length);
      assert.equal(await page.locator('table.experiments tbody tr td:nth-child(8)', { hasText: /^4 held$/ }).count(), day.experiments.filter((r) => r.runDir).length, 'the Invariants column says 4 held for each run');
      const shot = join(cwd, folder, 'index.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 5_000);
      console.log(`# screenshot ${shot}`);
      await page.locator('table.experiments a', { hasText: 'redis-failure' }).click();
      await page.waitForLoadState('load');
      assert.match(page.url(), /redis-failure\/.+\/report\.html$/);
      assert.match(await page.locator('body').innerText(), /redis-failure/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  it('Ctrl-C during the game day: the fault under way is rolled back, the rest is not run, nothing is left applied', async () => {
    const run = loadctl(['gameday', 'redis-failure', 'kafka-consumer-lag', ...s.flags, '--hold', '20s', '--load-duration', '40s', '--vus', '2', '--users', '10', '--yes', '--k6', realK6('v2.2.0')], { cwd, env: s.env });
    await run.waitForOutput(/injected:/, 180_000);
    assert.match(docker('inspect', '--format', '{{.State.Status}}', `${s.project}-redis`), /exited/);
    run.child.kill('SIGINT');
    assert.equal(await run.done, 4, (run.stdout() + run.stderr()).slice(-3000));
    assert.match(run.stdout(), /redis-failure .*INTERRUPTED/);
    assert.match(run.stdout(), /kafka-consumer-lag .*NOT RUN/);
    assert.deepEqual(pendingJournal(cwd), []);
    assert.doesNotMatch(allRunning(s.project), /exited|paused|created/);
  });
});
