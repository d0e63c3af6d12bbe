// Commander wiring only. This is the one file that exits the process: every
// command body returns an exit code or throws a LoadctlError.
import { Command, CommanderError } from 'commander';
import { ExitCode, exitCodeOf, formatError } from './errors.ts';
import type { ActionRunner, RegisterCommand } from './commands/types.ts';
import { signalsClaimed } from './shared/signals.ts';
import { register as registerRun } from './commands/run.ts';
import { register as registerList } from './commands/list.ts';
import { register as registerDoctor } from './commands/doctor.ts';
import { register as registerSandbox } from './commands/sandbox.ts';
import { register as registerSetupUsers } from './commands/setup-users.ts';
import { register as registerDemo } from './commands/demo.ts';
import { register as registerChaos } from './commands/chaos.ts';
import { register as registerReport } from './commands/report.ts';
import { register as registerInstallK6 } from './commands/install-k6.ts';
import { register as registerStack } from './commands/stack.ts';
import { register as registerGameDay } from './commands/gameday.ts';
import { register as registerK8s } from './commands/k8s.ts';

// Deprecation warnings come from libraries (the ssh transport of the Docker
// client builds a URL Node calls invalid): nothing a user can act on, and a
// second, unlabelled line beside loadctl's own. --verbose still shows them.
if (!process.argv.includes('--verbose')) process.noDeprecation = true;

const commands: RegisterCommand[] = [
  registerRun,
  registerChaos,
  registerSetupUsers,
  registerSandbox,
  registerDemo,
  registerStack,
  registerGameDay,
  registerReport,
  registerK8s,
  registerList,
  registerDoctor,
  registerInstallK6,
];

// A reader that goes away (`loadctl run --help | head`) must not kill loadctl
// with a stack trace, and above all not in the middle of a chaos hold: the
// rest of the output is dropped and the command finishes (and rolls back) as
// it would have.
const outputGone = (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
};
process.stdout.on('error', outputGone);
process.stderr.on('error', outputGone);

const program = new Command('loadctl')
  .description('Load-test and break a microservice ticketing system, and gate CI on the results')
  .version('0.1.0')
  .option('--verbose', 'print stack traces and debug detail', false)
  .option('-q, --quiet', 'print only the verdict', false)
  .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
  .showSuggestionAfterError(true)
  .exitOverride();

const verbose = () => Boolean(program.opts().verbose) || process.argv.includes('--verbose');

const runAction: ActionRunner = async (body) => {
  let code: number;
  try {
    code = await body();
  } catch (error) {
    process.stderr.write(`${formatError(error, verbose())}\n`);
    code = exitCodeOf(error);
  }
  process.exitCode = code;
};

for (const register of commands) register(program, runAction);

// A command without signal handling of its own (setup-users, report, chaos
// while it connects, run while k6 is not yet there...) would die of the
// signal with nothing said (shell status 130). Where a command does handle
// it (src/shared/signals.ts), this one stands aside.
const fallbackSignal = (name: NodeJS.Signals) => () => {
  if (signalsClaimed()) return;
  process.stderr.write(`loadctl: interrupted by ${name} before the command finished (exit ${ExitCode.Interrupted})\n`);
  process.exit(ExitCode.Interrupted);
};
for (const name of ['SIGINT', 'SIGTERM'] as const) process.on(name, fallbackSignal(name));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its message; --help and --version are not errors.
    const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
    process.exitCode = ok ? ExitCode.Ok : ExitCode.Usage;
  } else {
    process.stderr.write(`${formatError(error, verbose())}\n`);
    process.exitCode = exitCodeOf(error);
  }
}
// Done: a socket nobody closed (an engine or target that accepts and never
// answers) must not keep the process alive. The timer is unref'd, so a
// clean exit does not wait for it.
setTimeout(() => process.exit(), 1000).unref();
