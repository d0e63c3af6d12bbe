// k6 versions: parsing what `k6 version` prints and the range loadctl
// supports, shared by finding k6 (locate.ts) and building it (install.ts).
// Pure.

export interface K6Version {
  major: number;
  minor: number;
  patch: number;
  /** "v2.2.0" as k6 printed it (pre-release suffix kept). */
  text: string;
}

export const SUPPORTED_RANGE = { min: { major: 0, minor: 49, patch: 0 }, belowMajor: 3, text: 'v0.49.0 to v2.x' } as const;

/**
 * Parses `k6 version` output. Both recorded shapes:
 *   "k6 v0.49.0 (go1.19.8, linux/amd64)"
 *   "k6 v2.2.0 (commit/devel, go1.25.12, linux/amd64)"
 * k6 prints its own file name first, so a copy kept as `k6-0.49` says
 * "k6-0.49 v0.49.0 (...)": the version is the first "vX.Y.Z" word, whatever precedes it.
 */
export function parseK6Version(output: string): K6Version | undefined {
  const match = /(?:^|\s)(v(\d+)\.(\d+)\.(\d+)(?:-[0-9A-Za-z.-]+)?)(?=\s|$)/m.exec(output);
  if (!match) return undefined;
  return { text: match[1]!, major: Number(match[2]), minor: Number(match[3]), patch: Number(match[4]) };
}

export function isSupportedK6(version: K6Version): boolean {
  const { min, belowMajor } = SUPPORTED_RANGE;
  if (version.major >= belowMajor) return false;
  if (version.major !== min.major) return version.major > min.major;
  if (version.minor !== min.minor) return version.minor > min.minor;
  return version.patch >= min.patch;
}
