// Entry of dist/k6-reaper.mjs, the process spawnReaper() starts (see reaper.ts).
import { killGroup, reapOnClose } from './reaper.ts';

// Detached, in its own session: no terminal signal reaches it; it ends with the pipe.
void reapOnClose(process.stdin, killGroup).then(() => process.exit(0));
