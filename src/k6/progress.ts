// Parses the progress lines k6 prints when stdout is not a terminal (loadctl
// always pipes it), e.g.
//   running (0m05.0s), 10/10 VUs, 123 complete and 0 interrupted iterations
//   default   [  33% ] 3 VUs  1.0s/3s
// Pure; a line that is not progress gives undefined.

export interface K6Progress {
  elapsedMs: number;
  vus: number;
  maxVus: number;
  complete: number;
  interrupted: number;
}

export interface K6ScenarioProgress {
  scenario: string;
  percent: number;
}

const RUNNING = /^running \(((?:\d+h)?(?:\d+m)?(?:[\d.]+s)?)\), (\d+)\/(\d+) VUs, (\d+) complete and (\d+) interrupted iterations/;
const SCENARIO = /^(\S+)\s+[✓✗↓ ]?\s*\[\s*(\d+(?:\.\d+)?)% \]/;

/** "1h02m03.5s" / "0m05.0s" / "01.0s" -> milliseconds. */
export function parseK6Elapsed(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?$/.exec(text);
  if (!m) return Number.NaN;
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
}

export function parseProgressLine(line: string): K6Progress | undefined {
  const m = RUNNING.exec(line.trim());
  if (!m) return undefined;
  return {
    elapsedMs: Math.round(parseK6Elapsed(m[1]!)),
    vus: Number(m[2]),
    maxVus: Number(m[3]),
    complete: Number(m[4]),
    interrupted: Number(m[5]),
  };
}

export function parseScenarioLine(line: string): K6ScenarioProgress | undefined {
  const m = SCENARIO.exec(line.trim());
  if (!m || m[1] === 'running') return undefined;
  return { scenario: m[1]!, percent: Number(m[2]) };
}

/** One short line for a spinner: "0m05s  10/10 VUs  123 iterations (33%)". */
export function formatProgress(p: K6Progress, percent?: number): string {
  const s = Math.floor(p.elapsedMs / 1000);
  const clock = `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const pct = percent === undefined ? '' : ` (${Math.round(percent)}%)`;
  return `${clock}  ${p.vus}/${p.maxVus} VUs  ${p.complete} iterations${p.interrupted ? `, ${p.interrupted} interrupted` : ''}${pct}`;
}
