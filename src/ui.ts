// The only module that imports chalk and ora. Engines report through callbacks;
// commands turn those into lines here, so --json, --quiet and CI logs fall out.
import chalk, { Chalk, type ChalkInstance } from 'chalk';
import ora, { type Ora } from 'ora';
import { terminalSafe } from './inputs/printable.ts';

export interface UiOptions {
  quiet?: boolean;
  color?: boolean;
  /** Where human output goes; --json moves it to stderr so stdout stays JSON. */
  stream?: NodeJS.WriteStream;
}

export interface Ui {
  readonly colors: ChalkInstance;
  readonly interactive: boolean;
  info(line: string): void;
  warn(line: string): void;
  /** Lines that matter even with --quiet (verdicts, tables). */
  result(text: string): void;
  spinner(text: string): Spinner;
}

export interface Spinner {
  update(text: string): void;
  succeed(text?: string): void;
  fail(text?: string): void;
  stop(): void;
}

export function colorEnabled(requested: boolean | undefined, env: NodeJS.ProcessEnv = process.env): boolean {
  if (requested === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(process.stdout.isTTY);
}

export function createUi(options: UiOptions = {}): Ui {
  const stream = options.stream ?? process.stdout;
  const useColor = colorEnabled(options.color);
  const colors = useColor ? new Chalk({ level: chalk.level || 1 }) : new Chalk({ level: 0 });
  // A terminal that reports zero columns (e.g. `script` with no window size)
  // makes ora's line clearing divide by zero and spin: treat it as a log.
  const interactive = Boolean(stream.isTTY) && (stream.columns ?? 80) > 0 && !options.quiet && !process.env.CI;
  const write = (raw: string) => {
    const text = terminalSafe(raw);
    return stream.write(text.endsWith('\n') ? text : `${text}\n`);
  };

  return {
    colors,
    interactive,
    info: (line) => { if (!options.quiet) write(line); },
    warn: (line) => { process.stderr.write(`${colors.yellow('warning:')} ${terminalSafe(line)}\n`); },
    result: (text) => { write(text); },
    spinner: (text) => {
      if (!interactive) {
        if (!options.quiet) write(text);
        return plainSpinner(options.quiet ? () => {} : write);
      }
      const s: Ora = ora({ text, stream, color: 'cyan', isEnabled: true }).start();
      return {
        update: (t) => { s.text = t; },
        succeed: (t) => { s.succeed(t); },
        fail: (t) => { s.fail(t); },
        stop: () => { s.stop(); },
      };
    },
  };
}

function plainSpinner(write: (line: string) => void): Spinner {
  return {
    update: (t) => write(t),
    succeed: (t) => { if (t) write(t); },
    fail: (t) => { if (t) write(t); },
    stop: () => {},
  };
}

// --- progress bar (added for setup-users) ---------------------------------

export interface Progress {
  update(done: number): void;
  /** Clears the bar; the caller prints its summary next. */
  done(): void;
}

/**
 * A one-line bar redrawn in place on a TTY, at most ten times a second; when
 * not interactive it prints nothing, so logs get only the final summary.
 */
export function createProgress(ui: Ui, label: string, total: number, stream: NodeJS.WriteStream = process.stdout): Progress {
  if (!ui.interactive || total <= 0) return { update: () => {}, done: () => {} };
  const width = 30;
  let last = 0;
  let drawn = false;
  const draw = (done: number) => {
    const filled = Math.round((done / total) * width);
    const bar = ui.colors.cyan('█'.repeat(filled)) + ui.colors.dim('░'.repeat(width - filled));
    stream.write(`\r${label} ${bar} ${done}/${total} ${Math.floor((done / total) * 100)}%`);
    drawn = true;
  };
  return {
    update: (done) => {
      const now = Date.now();
      if (done < total && now - last < 100) return;
      last = now;
      draw(done);
    },
    done: () => { if (drawn) stream.write('\r\x1b[2K'); },
  };
}
