// One place that knows what each exit code means. Commands return codes for
// expected outcomes and throw these classes for the rest; src/cli.ts turns a
// thrown error into its code and a single line.

import { printableLines, shortened } from './inputs/printable.ts';

export const ExitCode = {
  /** Every target met (and every k6 threshold held). */
  Ok: 0,
  /** Targets or k6 thresholds failed, or a regression was found. */
  Failed: 1,
  /** Bad usage or configuration: unknown name, bad YAML, schema error. */
  Usage: 2,
  /** The environment is not ready: k6 or Docker missing, target unreachable. */
  Environment: 3,
  /** Interrupted or aborted: Ctrl-C, SIGTERM, test.abort(). */
  Interrupted: 4,
  /** The k6 script itself failed: exception, invalid config. */
  Script: 5,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const exitCodeTable: ReadonlyArray<{ code: ExitCodeValue; meaning: string }> = [
  { code: ExitCode.Ok, meaning: 'all targets met' },
  { code: ExitCode.Failed, meaning: 'targets or k6 thresholds failed (k6 exit 99), or a regression was found' },
  { code: ExitCode.Usage, meaning: 'usage or configuration error' },
  { code: ExitCode.Environment, meaning: 'environment error (k6/Docker missing, unsupported version, target unreachable)' },
  { code: ExitCode.Interrupted, meaning: 'interrupted or aborted (Ctrl-C, SIGTERM, k6 105/108)' },
  { code: ExitCode.Script, meaning: 'script error (k6 104/107)' },
];

export class LoadctlError extends Error {
  readonly exitCode: ExitCodeValue;
  /** The next thing to try, printed after the message. */
  readonly hint: string | undefined;

  constructor(message: string, exitCode: ExitCodeValue, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = options.hint;
  }
}

export class UsageError extends LoadctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.Usage, options);
  }
}

export class EnvironmentError extends LoadctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.Environment, options);
  }
}

export class InterruptedError extends LoadctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.Interrupted, options);
  }
}

export class ScriptError extends LoadctlError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, ExitCode.Script, options);
  }
}

/** The one line (plus hint) a user sees for an error; the stack only when asked. */
export function formatError(error: unknown, verbose: boolean): string {
  if (error instanceof LoadctlError) {
    // Messages quote files (YAML problems, names): print them, never let the terminal obey them.
    const lines = [`loadctl: ${printableLines(shortened(error.message))}`];
    if (error.hint) lines.push(`  fix: ${printableLines(shortened(error.hint))}`);
    if (verbose && error.stack) lines.push(error.stack);
    return lines.join('\n');
  }
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`loadctl: unexpected error: ${printableLines(message)}`];
  lines.push(verbose && error instanceof Error && error.stack ? error.stack : '  (run again with --verbose for the stack trace)');
  return lines.join('\n');
}

export function exitCodeOf(error: unknown): ExitCodeValue {
  return error instanceof LoadctlError ? error.exitCode : ExitCode.Failed;
}
