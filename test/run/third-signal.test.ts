// The third Ctrl-C must kill k6 outright. Real k6 cannot be made to hold on
// past a second signal (it stops hard on the second), and the stand-in
// replays that, so neither can show whether the third is really a SIGKILL.
// This file's k6 is a process that ignores SIGINT and SIGTERM forever: only a
// real SIGKILL ends it, so recording "SIGKILL" without sending it fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runK6 } from '../../src/k6/run.ts';

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
  const dir = mkdtempSync(join(tmpdir(), 'loadctl-third-signal-'));
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
