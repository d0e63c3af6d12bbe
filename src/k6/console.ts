// What a k6 user expects on the terminal from their script: console.log
// (and warn/error) and --http-debug dumps, which k6 writes to its stderr as
// logfmt lines with source=console or source=http-debug. loadctl keeps
// k6.stderr.log whole; this picks those lines out, prefixes them, and
// throttles them so a script logging every iteration cannot drown the run's
// own lines: past the limit the lines are counted, and the count is said.
// Pure: lines and the clock's reading go in, lines to print come out.
import { parseK6LogLine } from './stderr.ts';

/** Script lines printed per second before the rest are only counted. */
export const CONSOLE_LINES_PER_SECOND = 20;
/** An --http-debug=full dump (headers and body) is cut to this many lines on the terminal. */
export const MAX_LINES_PER_MESSAGE = 30;

export interface ConsoleRelay {
  /** One stderr line of k6's; the lines to print now (none for k6's own log lines). */
  line(raw: string, nowMs: number): string[];
  /** At the end of the run: the count of what was held back, if anything was. */
  end(): string[];
}

function prefixOf(source: string, level: string): string {
  const tag = source === 'http-debug' ? 'http-debug' : 'console';
  return level === 'info' || level === 'debug' ? `${tag}: ` : `${tag} ${level === 'warning' ? 'warn' : level}: `;
}

export function createConsoleRelay(options: { perSecond?: number; logFile?: string } = {}): ConsoleRelay {
  const perSecond = options.perSecond ?? CONSOLE_LINES_PER_SECOND;
  const where = options.logFile ?? 'k6.stderr.log';
  let second = -1;
  let printed = 0;
  let held = 0;
  const heldLine = (n: number) => `console: ${n.toLocaleString('en-US')} more script line${n === 1 ? '' : 's'} not shown (at most ${perSecond} a second here; all are in ${where})`;
  return {
    line(raw, nowMs) {
      const parsed = parseK6LogLine(raw);
      const source = parsed?.fields.source;
      if (!parsed || (source !== 'console' && source !== 'http-debug')) return [];
      const out: string[] = [];
      const now = Math.floor(nowMs / 1000);
      if (now !== second) {
        if (held > 0) out.push(heldLine(held));
        second = now;
        printed = 0;
        held = 0;
      }
      if (printed >= perSecond) {
        held += 1;
        return out;
      }
      printed += 1;
      const prefix = prefixOf(source, parsed.level);
      const lines = parsed.msg.replace(/\n+$/, '').split('\n');
      const shown = lines.slice(0, MAX_LINES_PER_MESSAGE);
      out.push(...shown.map((l, i) => (i === 0 ? `${prefix}${l}` : `${' '.repeat(prefix.length)}${l}`)));
      if (lines.length > shown.length) out.push(`${' '.repeat(prefix.length)}(${lines.length - shown.length} more lines in ${where})`);
      return out;
    },
    end() {
      const out = held > 0 ? [heldLine(held)] : [];
      held = 0;
      return out;
    },
  };
}
