// Temporary folders for tests. Each test process makes one folder in the
// system's temp folder and every tempDir() inside it; the whole folder is
// removed when the process exits, passed or failed, whether or not the test's
// own after() hook ran. So a test run leaves nothing behind in /tmp.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let root: string | undefined;

function processRoot(): string {
  if (root) return root;
  const made = mkdtempSync(join(tmpdir(), 'loadctl-test-'));
  // Open to other users, as the temp folder itself is: PostgreSQL runs as its own user inside.
  chmodSync(made, 0o755);
  root = made;
  // LOADCTL_KEEP_TEST_TMP=1 keeps it (run folders, journals) to look into a failure; its path goes to stderr.
  if (process.env.LOADCTL_KEEP_TEST_TMP === '1') process.once('exit', () => process.stderr.write(`test temp folder kept: ${made}\n`));
  else process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  return made;
}

/** A fresh empty folder, removed with its contents when the test process exits. */
export function tempDir(prefix = 'dir-'): string {
  return mkdtempSync(join(processRoot(), prefix));
}
