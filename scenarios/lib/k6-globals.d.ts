// Globals k6 provides that @types/k6 leaves to the DOM lib. Scenarios are
// checked without the DOM (k6 has no window, fetch or document), so the one
// global they do get, console, is declared here. loadctl adds this file to
// every type check it runs.
interface K6Console {
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  debug(...args: unknown[]): void;
}
declare var console: K6Console;
