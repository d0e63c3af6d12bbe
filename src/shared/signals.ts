// Who answers Ctrl-C. A step that handles SIGINT/SIGTERM itself (k6's run,
// the chaos rollback, the sandbox's shutdown, the pre-k6 guard) claims them
// while it runs; when nobody has, src/cli.ts answers with one line and exit
// 4 instead of Node's silent death (shell status 130). Counting claims
// rather than listeners matters: libraries (ora's cursor restore) add
// listeners of their own.
let claims = 0;

/** Marks the signals as handled until the returned release is called (once). */
export function claimSignals(): () => void {
  claims += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    claims -= 1;
  };
}

export const signalsClaimed = (): boolean => claims > 0;
