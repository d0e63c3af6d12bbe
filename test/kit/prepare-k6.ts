// Run by scripts/test.mjs before the whole suite: the real k6 versions the
// system tier runs, built once with Go when they are missing (as `loadctl
// demo` builds its one), into loadctl's own cache where the tests find them
// (kit/parts.ts). Without Go it says in one line how; the suites that need a
// missing version then skip, each line once at the end of the run.
import { spawnSync } from 'node:child_process';
import { findOnPath } from '../../src/k6/locate.ts';
import { inCI, k6BuildHint, k6Path, k6VersionsWithV1 } from './parts.ts';
import { binPath } from './paths.ts';

const absent = k6VersionsWithV1.filter((version) => !k6Path(version));
// Under CI, `.ci/run` builds them first; a missing one is a failure there, not a build here.
if (absent.length > 0 && !inCI()) {
  if (!findOnPath('go', process.env.PATH)) {
    console.log(`real k6 ${absent.join(', ')} not built and go is not on PATH: apt-get install golang-go, then ${k6BuildHint(absent)}`);
  } else {
    console.log(`real k6 ${absent.join(', ')} not built: building once with Go for the tests (a few minutes each, cached)`);
    const built = spawnSync(process.execPath, [binPath, 'install-k6', ...absent], { stdio: 'inherit' });
    if (built.status !== 0) console.log(`building real k6 failed (above); the tests that need it skip. Retry: ${k6BuildHint(absent)}`);
  }
}
