// Text that came from a file (a profile's description, an experiment's name,
// a run folder's result.json) is shown as text, never obeyed by the terminal:
// control characters, terminal escapes and bidi overrides are written out as
// \x1b, \u202e... Pure.

// C0 and C1 controls, DEL, and the Unicode direction overrides and isolates
// that can make a line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_KEEP_NEWLINES = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const escape = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** One line of file-borne text, safe to print. */
export function printable(text: string): string {
  return text.replace(UNSAFE, escape);
}

/** Several lines (an error message): newlines stay, every other control is escaped. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_KEEP_NEWLINES, escape);
}

/** Longer than this, a name or value quoted in a message is cut: a 200,000-character name was printed in full. */
export const MAX_QUOTED = 200;

/** Any run of characters other than spaces and quotes past MAX_QUOTED keeps its start and says how long it was. */
export function shortened(text: string): string {
  return text.replace(new RegExp(`[^\\s"'\`]{${MAX_QUOTED + 1},}`, 'g'), (run) => `${run.slice(0, 80)}…(${run.length.toLocaleString('en-US')} characters)`);
}

// Colour (SGR) sequences are loadctl's own, from chalk; every other escape
// (titles, cursor moves, screen clears) and every other control is not.
// eslint-disable-next-line no-control-regex
const SGR_OR_UNSAFE = /\u001b\[[0-9;]*m|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The last line of defence in src/ui.ts, for whatever a renderer forgot to
 * pass through printable(): newlines, tabs and colour stay, the rest is
 * written out.
 */
export function terminalSafe(text: string): string {
  return text.replace(SGR_OR_UNSAFE, (match) => (match.length > 1 ? match : escape(match)));
}
