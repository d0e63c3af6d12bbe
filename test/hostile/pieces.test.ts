// The shared pieces behind the hostile-inputs table, tested directly: the
// bounds, the URL/host check, printable(), the output-path check, the safe
// YAML read, `k6 version` taking its whole process group down on a timeout,
// and a chaos http probe on a port fetch refuses (real servers, real files).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { checkWhole, durationProblem, limits, MAX_TIMER_MS, runDurationProblem } from '../../src/inputs/bounds.ts';
import { parseDuration } from '../../src/shared/duration.ts';
import { checkHost, checkHostPort, checkHttpUrl, isHost } from '../../src/inputs/url.ts';
import { printable, printableLines, terminalSafe } from '../../src/inputs/printable.ts';
import { outputProblem } from '../../src/inputs/output-path.ts';
import { readYamlText, yamlData } from '../../src/inputs/yaml-file.ts';
import { locateK6 } from '../../src/k6/locate.ts';
import { runProbe } from '../../src/chaos/probes.ts';
import { probe } from '../../src/run/preflight.ts';
import { alive, blockedPortServer } from './harness.ts';
import { tempDir } from '../kit/temp.ts';

let dir: string;
before(() => { dir = tempDir('loadctl-pieces-'); });
after(() => rmSync(dir, { recursive: true, force: true }));

test('bounds: one table, the same words for a flag and a file, the timer ceiling', () => {
  assert.deepEqual(checkWhole('--vus', '50', limits.vus), { ok: true, value: 50 });
  for (const bad of ['0', '1e9', '99999999999999999999', '-1', '1.5', 'abc', '1000001']) {
    const r = checkWhole('--vus', bad, limits.vus);
    assert.equal(r.ok, false, bad);
  }
  assert.equal(checkWhole('--vus', '1000000', limits.vus).ok, true);
  assert.equal(parseDuration('1m30s'), 90_000);
  assert.equal(parseDuration('30 s'), undefined);
  assert.equal(durationProblem('d', MAX_TIMER_MS), undefined);
  assert.match(durationProblem('d', MAX_TIMER_MS + 1)!, /maximum of 24\.8 days/);
  assert.match(runDurationProblem('--duration', '0s')!, /at least 1s/);
  assert.match(runDurationProblem('--duration', '500ms')!, /at least 1s/);
  assert.equal(runDurationProblem('--duration', '1s'), undefined);
  assert.match(runDurationProblem('--duration', '99999h')!, /maximum/);
});

test('url: malformed URLs and hosts are refused before any lookup', () => {
  assert.equal(checkHttpUrl('u', 'http://127.0.0.1:6000').ok, true);
  assert.equal(checkHttpUrl('u', 'https://api.internal/base').ok, true);
  assert.equal(checkHttpUrl('u', 'http://[::1]:8080').ok, true);
  const problem = (text: string) => { const r = checkHttpUrl('u', text); return r.ok ? '' : r.problem; };
  assert.match(problem('http://127.0.0.1:99999'), /port 99999 .* out of range/);
  assert.match(problem('http://127.0.0.1:0'), /port 0 .* out of range/);
  assert.match(problem('garbage'), /not a URL/);
  assert.match(problem('ftp://x'), /expected an http/);
  assert.match(problem('http://exa mple.com'), /not a URL/);
  assert.match(problem('http://999.1.1.1'), /not a URL|not a host name/);
  for (const ok of ['localhost', '127.0.0.1', '::1', '[::1]', 'my_redis', 'a.b-c.d']) assert.equal(isHost(ok), true, ok);
  for (const bad of ['not a host', '', 'a..b', '-a', 'a/b', 'x:1']) assert.equal(checkHost('--host', bad).ok, false, bad);
  assert.deepEqual(checkHostPort('a', '127.0.0.1:6379'), { ok: true, value: { host: '127.0.0.1', port: 6379 } });
  assert.equal(checkHostPort('a', '127.0.0.1:70000').ok, false);
});

test('printable: controls, escapes and bidi overrides are written out', () => {
  assert.equal(printable('a\u001b]0;t\u0007b\u001b[31mc\u202ed\u0000e\nf'), 'a\\x1b]0;t\\x07b\\x1b[31mc\\u202ed\\x00e\\x0af');
  assert.equal(printableLines('one\ntwo\u001b'), 'one\ntwo\\x1b');
  assert.equal(terminalSafe('\u001b[32mok\u001b[39m \u001b]0;x\u0007'), '\u001b[32mok\u001b[39m \\x1b]0;x\\x07', 'colour stays, a title sequence does not');
});

test('output paths: a directory, below a file, /proc, and a fine place', async () => {
  writeFileSync(join(dir, 'file'), 'x');
  mkdirSync(join(dir, 'sub'));
  assert.equal(await outputProblem(join(dir, 'sub'), 'file'), 'it is a directory');
  assert.equal(await outputProblem(join(dir, 'file'), 'dir'), 'it is a file, not a folder');
  assert.match((await outputProblem(join(dir, 'file/x/y.xml'), 'file'))!, /file is a file, so nothing can be created below it/);
  assert.match((await outputProblem('/proc/nope/deeper/x.xml', 'file'))!, /proc file system/);
  assert.equal(await outputProblem(join(dir, 'new/deeper/x.xml'), 'file'), undefined);
  assert.equal(await outputProblem(join(dir, 'file'), 'file'), undefined);
});

test('yaml: a directory, a link loop and an alias bomb are one problem each', async () => {
  mkdirSync(join(dir, 'd.yaml'));
  symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
  assert.deepEqual(await readYamlText(join(dir, 'd.yaml'), 'd.yaml'), { ok: false, problem: 'd.yaml: is a directory, not a YAML file' });
  assert.deepEqual(await readYamlText(join(dir, 'loop.yaml'), 'loop.yaml'), { ok: false, problem: 'loop.yaml: is a symbolic link loop' });
  const level = (name: string, of: string) => `${name}: &${name} [${Array(9).fill(of).join(', ')}]`;
  const bomb = [level('a', 'x'), level('b', '*a'), level('c', '*b'), level('d', '*c'), level('e', '*d')].join('\n');
  const r = yamlData(parseDocument(bomb), 'x.yaml');
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.problem, /^x\.yaml: YAML aliases expand beyond 100 nodes/);
  assert.deepEqual(yamlData(parseDocument('a: &a 1\nb: *a\n'), 'x.yaml'), { ok: true, value: { a: 1, b: 1 } });
});

test('k6 version that hangs: the timeout kills the script and what it started', async () => {
  const script = join(dir, 'hang-k6');
  writeFileSync(script, `#!/bin/sh\necho $$ > ${dir}/pids\nsleep 300 &\necho $! >> ${dir}/pids\nwait\n`, { mode: 0o755 });
  const bounded = new Promise((_, reject) => setTimeout(() => reject(new Error('locateK6 still waiting 8 s later')), 8000).unref());
  await assert.rejects(Promise.race([locateK6({ k6Path: script, versionTimeoutMs: 700 }), bounded]), /timed out after 0\.7 s/);
  const pids = readFileSync(join(dir, 'pids'), 'utf8').trim().split('\n').map(Number);
  assert.equal(pids.length, 2);
  for (const pid of pids) assert.equal(alive(pid), false, `process ${pid} is gone`);
});

test('the health check and a chaos http probe reach a port fetch refuses', async () => {
  const server = await blockedPortServer();
  try {
    const url = `http://127.0.0.1:${server.port}/health`;
    const health = await probe(url, 2000);
    assert.equal(health.ok, true, JSON.stringify(health));
    const round = await runProbe({ type: 'http', name: 'health', url, status: 200, json: { path: 'status', equals: 'UP' }, timeout: 2000 }, { targets: {}, exec: async () => 0 });
    assert.equal(round.ok, true, round.detail);
  } finally {
    await server.close();
  }
});
