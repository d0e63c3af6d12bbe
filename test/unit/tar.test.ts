// The one tar writer (src/docker/tar.ts), read back by GNU tar itself and by
// firstFile, the reader of what the Engine API's archive endpoint returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstFile, tarFiles } from '../../src/docker/tar.ts';
import { tempDir } from '../kit/temp.ts';

test('GNU tar reads what tarFiles writes: a directory, a nested file, exact bytes', (t) => {
  const dir = tempDir('loadctl-tar-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const big = Buffer.alloc(1300, 7);
  const archive = join(dir, 'a.tar');
  writeFileSync(archive, tarFiles({ 'opt/loadctl/service.mjs': 'console.log(1)\n', 'work/big.bin': big }, ['work']));
  assert.equal(execFileSync('tar', ['-tf', archive], { encoding: 'utf8' }), 'work/\nopt/loadctl/service.mjs\nwork/big.bin\n');
  assert.equal(execFileSync('tar', ['-xOf', archive, 'opt/loadctl/service.mjs'], { encoding: 'utf8' }), 'console.log(1)\n');
  assert.deepEqual(execFileSync('tar', ['-xOf', archive, 'work/big.bin']), big);
  assert.match(execFileSync('tar', ['-tvf', archive], { encoding: 'utf8' }), /^drwxrwxrwx .* work\/$/m);
});

test('firstFile finds the first regular file past a directory entry', () => {
  const found = firstFile(tarFiles({ 'summary.json': '{"ok":true}' }, ['out']));
  assert.deepEqual(found && { name: found.name, text: found.data.toString() }, { name: 'summary.json', text: '{"ok":true}' });
  assert.equal(firstFile(tarFiles({}, ['only-a-dir'])), undefined);
  assert.throws(() => tarFiles({ [`${'x'.repeat(101)}`]: '' }), /name too long/);
});
