// k6's own words for why it failed, read from its stderr (logfmt lines such
// as `time=... level=error msg="Error: boom\n\tat file:///p/scenarios/boom.ts:3:19(45)\n" hint="script exception"`).
// Pure: lines and the project folder go in, one line for people comes out.
// A script exception becomes "scenarios/boom.ts:3:19: Error: boom" (the place
// k6 source-mapped, relative to the project), with k6's stack kept for
// --verbose; a configuration error's bullet list is folded onto one line.
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface K6LogLine {
  level: string;
  msg: string;
  fields: Record<string, string>;
}

/** One logfmt line; undefined when it is not one (k6's banner, progress). */
export function parseK6LogLine(line: string): K6LogLine | undefined {
  const fields: Record<string, string> = {};
  const re = /([A-Za-z_][\w.-]*)=(?:"((?:[^"\\]|\\.)*)"|(\S*))/g;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    fields[m[1]!] = m[2] !== undefined ? unquote(m[2]) : m[3]!;
  }
  if (fields.level === undefined || fields.msg === undefined) return undefined;
  return { level: fields.level, msg: fields.msg, fields };
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

export interface K6Error {
  /** One line: "scenarios/boom.ts:3:19: Error: boom" or k6's message folded. */
  line: string;
  /** k6's stack frames (paths made relative), for --verbose. */
  stack: string[];
}

/** "file:///p/scenarios/boom.ts:3:19(45)" -> "scenarios/boom.ts:3:19" when inside cwd. */
function showPlace(frame: string, cwd: string): string | undefined {
  const m = /(file:\/\/\S+?|\/\S+?):(\d+):(\d+)(?:\(\d+\))?(?=\s|\)|$)/.exec(frame);
  if (!m) return undefined;
  let path = m[1]!;
  try { if (path.startsWith('file://')) path = fileURLToPath(path); } catch { /* keep as printed */ }
  const rel = relative(cwd, path);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
  return `${shown}:${m[2]}:${m[3]}`;
}

/** k6's message for people: one line, the place first when k6 gave a stack. */
export function describeK6Error(msg: string, cwd: string): K6Error {
  const lines = msg.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const frames = lines.filter((l) => /^\s*at /.test(l));
  const rest = lines.filter((l) => !/^\s*at /.test(l));
  const stack = frames.map((f) => {
    const place = showPlace(f, cwd);
    return place ? f.trim().replace(/(file:\/\/\S+?|\/\S+?):\d+:\d+(\(\d+\))?/, place) : f.trim();
  });
  const head = rest.map((l) => l.trim().replace(/^- /, '')).join(' ').replace(/\s+/g, ' ').trim();
  const place = frames.map((f) => showPlace(f, cwd)).find((p) => p !== undefined);
  return { line: place ? `${place}: ${head}` : head, stack };
}

export interface K6ErrorCollector {
  /** Feed every stderr line; returns the error it carried, if any. */
  add(line: string): K6Error | undefined;
  /** The first error k6 logged, which is the one that stopped it. */
  first(): K6Error | undefined;
}

/** Keeps the first few errors (k6 can log one per iteration for hours). */
export function collectK6Errors(cwd: string, keep = 5): K6ErrorCollector {
  const kept: K6Error[] = [];
  return {
    add(line) {
      const parsed = parseK6LogLine(line);
      if (!parsed || (parsed.level !== 'error' && parsed.level !== 'fatal')) return undefined;
      const error = describeK6Error(parsed.msg, cwd);
      if (kept.length < keep) kept.push(error);
      return error;
    },
    first: () => kept[0],
  };
}
