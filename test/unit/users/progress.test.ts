import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgress, createUi } from '../../../src/ui.ts';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, text: '', write(chunk: string) { s.text += chunk; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

test('progress bar: redrawn in place on a TTY, throttled, cleared at the end; silent otherwise', (t) => {
  const savedCi = process.env.CI;
  delete process.env.CI;
  t.after(() => { if (savedCi !== undefined) process.env.CI = savedCi; });

  const tty = fakeStream(true);
  const bar = createProgress(createUi({ stream: tty, color: false }), 'users', 200, tty);
  for (let i = 1; i <= 200; i += 1) bar.update(i);
  bar.done();
  const frames = tty.text.split('\r').filter((f) => f.startsWith('users'));
  assert.ok(frames.length >= 2 && frames.length < 20, `${frames.length} frames for 200 updates`);
  assert.match(frames.at(-1) ?? '', /^users █{30} 200\/200 100%$/);
  assert.ok(tty.text.endsWith('\r\x1b[2K'));

  const pipe = fakeStream(false);
  const quiet = createProgress(createUi({ stream: pipe }), 'users', 200, pipe);
  quiet.update(100);
  quiet.done();
  assert.equal(pipe.text, '');
});
