// `loadctl chaos <experiment>`, `loadctl chaos recover`, and the hidden
// `loadctl chaos watchdog` the engine spawns. Option parsing only: the bodies
// are imported lazily so a cold `loadctl --help` never loads dockerode.
import { Option } from 'commander';
import type { RegisterCommand } from './types.ts';
import { createUi } from '../ui.ts';
import { UsageError } from '../errors.ts';

interface Flags {
  duration?: string;
  mode?: string;
  target: string[];
  project?: string;
  dryRun: boolean;
  yes: boolean;
  json: boolean;
  junit?: string;
  outDir: string;
  force: boolean;
  forget: boolean;
  journal?: string;
  runId?: string;
  load?: string;
  at?: string;
  record?: boolean;
  tcImage?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('chaos')
    .description('run a chaos experiment from chaos/ against Docker containers, always rolled back (`chaos recover` replays a crashed run\'s undos)')
    .argument('[experiment]', 'experiment name (chaos/<name>.yaml), or "recover"')
    .option('--duration <duration>', 'how long each fault holds, e.g. 30s')
    .option('--mode <mode>', 'stop fault mode: stop | kill-in-place')
    .option('--target <ref=name>', 'use this container for a target ref (repeatable)', collect, [])
    .option('--project <name>', 'select every target by compose project + service')
    .option('--dry-run', 'print the plan (containers, steps, undos) and change nothing', false)
    .option('-y, --yes', 'do not ask for confirmation (required when stdin is not a terminal)', false)
    .option('--json', 'print the result document (loadctl/chaos-result v1) on stdout', false)
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--out-dir <dir>', 'where run folders go', '.loadctl/runs')
    .option('--tc-image <image>', 'image with tc and sh for the network faults when a target has no tc of its own (env LOADCTL_TC_IMAGE; default nicolaka/netshoot:v0.13, pulled when missing)')
    .option('--load <profile>', 'run the experiment under this load profile (same as loadctl run <profile> --chaos <experiment>)')
    .option('--at <offset>', 'with --load: inject at this time after k6 starts (60s), or "steady" (default)')
    .option('--record', 'with --load: also keep k6\'s exact NDJSON record')
    .option('--force', 'recover: also undo entries whose experiment process still runs', false)
    .option('--forget', 'recover: mark pending entries done without undoing them', false)
    .addOption(new Option('--journal <path>').hideHelp())
    .addOption(new Option('--run-id <id>').hideHelp())
    .action((experiment: string | undefined, flags: Flags, command) => runAction(async () => {
      const globals = command.optsWithGlobals() as { quiet?: boolean; color?: boolean };
      const ui = createUi({ quiet: globals.quiet ?? false, color: globals.color ?? true, ...(flags.json ? { stream: process.stderr } : {}) });
      const cwd = process.cwd();
      // The option is the environment variable under another name, so every path (recover, --load, the watchdog) sees one value.
      (await import('../inputs/image.ts')).assertImages([['--tc-image', flags.tcImage]]);
      if (flags.tcImage) process.env.LOADCTL_TC_IMAGE = flags.tcImage;
      if (experiment === 'watchdog') {
        if (!flags.journal || !flags.runId) throw new UsageError('chaos watchdog is internal: it needs --journal and --run-id');
        const { watchdogMain } = await import('../chaos/recover-command.ts');
        return watchdogMain({ journal: flags.journal, runId: flags.runId });
      }
      if (experiment === 'recover') {
        const { recover } = await import('../chaos/recover-command.ts');
        return recover({ cwd, force: flags.force, forget: flags.forget, json: flags.json }, ui);
      }
      if (flags.load !== undefined) {
        // Chaos under load is a load run with an experiment: one code path, one result document.
        const [{ runCommand }, { parseInjectAt }, { parseTargets }] = await Promise.all([
          import('./run.ts'), import('../live-run/schedule.ts'), import('../chaos/command.ts'),
        ]);
        if (!experiment) throw new UsageError('--load needs an experiment to run under it', { hint: 'loadctl chaos redis-failure --load spike' });
        const at = parseInjectAt(flags.at);
        if ('error' in at) throw new UsageError(at.error, { hint: 'e.g. --at 60s, or leave it out to inject once the load is steady' });
        return runCommand({
          profile: flags.load,
          outDir: flags.outDir,
          json: flags.json,
          ...(flags.junit !== undefined ? { junit: flags.junit } : {}),
          ...(globals.quiet !== undefined ? { quiet: globals.quiet } : {}),
          ...(globals.color !== undefined ? { color: globals.color } : {}),
          dryRun: flags.dryRun,
          record: Boolean(flags.record),
          chaos: {
            experiment, at, targets: parseTargets(flags.target), yes: flags.yes,
            ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
            ...(flags.mode !== undefined ? { mode: flags.mode } : {}),
            ...(flags.project !== undefined ? { project: flags.project } : {}),
          },
        });
      }
      const { runChaosCommand } = await import('../chaos/command.ts');
      return runChaosCommand({
        cwd,
        experiment,
        ...(flags.duration !== undefined ? { duration: flags.duration } : {}),
        ...(flags.mode !== undefined ? { mode: flags.mode } : {}),
        ...(flags.project !== undefined ? { project: flags.project } : {}),
        ...(flags.junit !== undefined ? { junit: flags.junit } : {}),
        target: flags.target,
        dryRun: flags.dryRun,
        yes: flags.yes,
        json: flags.json,
        outDir: flags.outDir,
        interactive: Boolean(process.stdin.isTTY),
        env: process.env,
      }, ui);
    }));
};
