// loadctl forwards the first two Ctrl-Cs to k6 and kills it on the third.
// Real k6 (both versions) shows the first two: the second aborts it at once,
// even while its teardown still has 20 s to go. Real k6 cannot be made to
// hold on past a second signal, so for the third this file's k6 is a process
// that ignores SIGINT and SIGTERM forever: only a real SIGKILL ends it, so
// recording "SIGKILL" without sending it fails here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runK6 } from '../../src/k6/run.ts';
import { k6Skip, k6Versions, realK6 } from '../kit/parts.ts';
import { tempDir } from '../kit/temp.ts';

/** A "k6" that says which signal it ignored, one line each, and gives up by itself after 15 s (exit 3). */
const stubborn = (log: string) => `#!${process.execPath}
const { appendFileSync } = require('node:fs');
let n = 0;
const ignore = (s) => () => { n += 1; appendFileSync(${JSON.stringify(log)}, s + '\\n'); console.log('ignored ' + s + ' ' + n); };
process.on('SIGINT', ignore('SIGINT'));
process.on('SIGTERM', ignore('SIGTERM'));
setTimeout(() => process.exit(3), 15000);
console.log('ready');
`;

test('a third signal kills k6 outright: a k6 that ignores the first two is ended by SIGKILL', { timeout: 30_000 }, async (t) => {
  const dir = tempDir('loadctl-third-signal-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const k6 = join(dir, 'k6');
  const log = join(dir, 'signals.log');
  writeFileSync(k6, stubborn(log));
  chmodSync(k6, 0o755);
  const signals = new EventEmitter();
  const forwarded: string[] = [];
  const startedAt = Date.now();
  // One signal per acknowledgement: two signals sent back to back may merge in the kernel.
  const result = await runK6({
    k6Path: k6,
    scriptPath: join(dir, 'script.js'),
    summaryPath: join(dir, 'summary.json'),
    stdoutLog: join(dir, 'k6.stdout.log'),
    stderrLog: join(dir, 'k6.stderr.log'),
    env: {},
  }, {
    onStdoutLine: (line) => { if (line === 'ready' || line.startsWith('ignored ')) signals.emit('SIGINT'); },
    onSignal: (_s, as) => forwarded.push(as),
  }, signals);
  assert.deepEqual(forwarded, ['SIGINT', 'SIGINT', 'SIGKILL']);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), ['SIGINT', 'SIGINT'], 'k6 got (and ignored) exactly two SIGINTs');
  assert.equal(result.signal, 'SIGKILL', `k6 ended by ${result.signal ?? `exit ${result.exitCode}`}`);
  assert.equal(result.exitCode, null);
  assert.equal(result.interrupted, true);
  assert.ok(Date.now() - startedAt < 10_000, 'killed, not timed out');
  assert.equal(signals.listenerCount('SIGINT'), 0, 'handlers removed after the run');
});

/** A k6 script whose teardown takes 20 s, so only an abort ends k6 quickly once the load has stopped. */
const slowTeardown = `import { sleep } from 'k6';
export const options = { vus: 1, duration: '30s' };
export default function () { sleep(0.1); }
export function teardown() { sleep(20); }
`;

for (const version of k6Versions) {
  describe(`real k6 ${version}`, { skip: k6Skip(version) }, () => {
    test('the second signal reaches k6 as SIGINT and aborts it at once (no SIGKILL needed)', { timeout: 60_000 }, async (t) => {
      const dir = tempDir('loadctl-second-signal-');
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      writeFileSync(join(dir, 'script.js'), slowTeardown);
      const signals = new EventEmitter();
      const forwarded: string[] = [];
      let secondAt = 0;
      let progressLines = 0;
      const result = await runK6({
        k6Path: realK6(version), scriptPath: join(dir, 'script.js'), summaryPath: join(dir, 'summary.json'),
        stdoutLog: join(dir, 'k6.stdout.log'), stderrLog: join(dir, 'k6.stderr.log'), env: {},
      }, {
        // First signal once k6 is running; the second a moment later, while k6 is stopping gracefully.
        onProgress: () => {
          progressLines += 1;
          if (progressLines !== 1) return;
          signals.emit('SIGINT');
          setTimeout(() => { secondAt = Date.now(); signals.emit('SIGINT'); }, 1000);
        },
        onSignal: (_s, as) => forwarded.push(as),
      }, signals);
      assert.deepEqual(forwarded, ['SIGINT', 'SIGINT']);
      assert.ok(secondAt > 0, 'the second signal was sent');
      assert.equal(result.exitCode, 105, `k6 ended with ${result.signal ?? result.exitCode}`);
      assert.ok(Date.now() - secondAt < 10_000, 'aborted, not after its 20 s teardown');
      assert.match(readFileSync(join(dir, 'k6.stderr.log'), 'utf8'), /Aborting k6 in response to signal/);
    });
  });
}
