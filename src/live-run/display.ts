// What a run shows while the live feed (and maybe an experiment) runs. On a
// terminal one spinner line carries k6's progress and the newest second
// ("412 req/s  err 0.00 %  p99 38 ms"); chaos events print above it. In
// plain output (CI, pipes) a live line every 10 s, and every second while a
// fault and its recovery are on, so a log shows the outage as users saw it.
import type { Spinner, Ui } from '../ui.ts';
import type { RunEvents } from '../run/pipeline.ts';
import type { LiveSecond } from '../live/timeline.ts';
import { formatProgress, type K6Progress, type K6ScenarioProgress } from '../k6/progress.ts';
import { formatLiveSecond } from './live.ts';

const PLAIN_EVERY_SECONDS = 10;

export interface LiveDisplay {
  /** The view's events, with progress taken over on a terminal. */
  events: RunEvents;
  second(second: LiveSecond): void;
  /** A line above the spinner (chaos events, notes). */
  note(line: string): void;
  /** While true, plain output gets a live line every second. */
  setChaosActive(active: boolean): void;
  /** k6 is done: the spinner goes. */
  stop(): void;
}

export function createLiveDisplay(ui: Ui, base: RunEvents, options: { quiet: boolean; startedAt?: () => number | undefined }): LiveDisplay {
  let spinner: Spinner | undefined;
  let progressText = 'k6 starting...';
  let liveText = '';
  let chaosActive = false;
  let lastPlain = -Infinity;
  let pastInit = false;
  const text = () => (liveText ? `${progressText}  │ ${liveText}` : progressText);
  const since = (t: number) => {
    const start = options.startedAt?.();
    return start === undefined ? '' : `+${Math.max(0, Math.round(t - start / 1000))}s `;
  };

  // The view's own lines (k6 errors, signal notes) must not tear this spinner either.
  const around = <A extends unknown[]>(fn: ((...args: A) => void) | undefined) => (fn === undefined ? undefined : (...args: A) => {
    if (!spinner) return fn(...args);
    spinner.stop();
    fn(...args);
    spinner = ui.spinner(text());
  });
  const events: RunEvents = ui.interactive
    ? {
      ...base,
      // Only k6's error lines and the script's own (console, --http-debug) get printed by the view; the rest must not blink the spinner.
      ...(base.onStderrLine ? { onStderrLine: (line: string) => (/level=error|source="?(?:console|http-debug)/.test(line) ? around(base.onStderrLine)?.(line) : base.onStderrLine?.(line)) } : {}),
      ...(base.onSignal ? { onSignal: around(base.onSignal) } : {}),
      // The view's own spinner would fight this one for the line.
      onSpawn: () => {
        spinner = ui.spinner(text());
      },
      onProgress: (p: K6Progress, scenarios: readonly K6ScenarioProgress[]) => {
        const percent = scenarios.length > 0 ? Math.min(...scenarios.map((s) => s.percent)) : undefined;
        progressText = `k6 ${formatProgress(p, percent)}`;
        spinner?.update(text());
        // The view learns once that k6 got past init (and prints any init errors it held).
        if (!pastInit) {
          pastInit = true;
          around(base.onProgress)?.(p, scenarios);
        }
      },
    }
    : base;

  return {
    events,
    second(second) {
      liveText = formatLiveSecond(second.total);
      if (ui.interactive) {
        spinner?.update(text());
        return;
      }
      if (options.quiet) return;
      if (chaosActive || second.total.t - lastPlain >= PLAIN_EVERY_SECONDS) {
        lastPlain = second.total.t;
        ui.info(`live ${since(second.total.t)}${liveText}`);
      }
    },
    note(line) {
      if (spinner) {
        spinner.stop();
        ui.info(line);
        spinner = ui.spinner(text());
      } else {
        ui.info(line);
      }
    },
    setChaosActive(active) {
      chaosActive = active;
    },
    stop() {
      spinner?.stop();
      spinner = undefined;
    },
  };
}
