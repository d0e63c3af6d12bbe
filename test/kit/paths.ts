// Where the repository and its CLI are, for every test that needs the path.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing separator. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI as a user runs it: it imports dist/cli.js (see kit/build.ts). */
export const binPath = join(repoRoot, 'bin', 'loadctl.js');
