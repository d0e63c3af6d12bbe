import type { Command } from 'commander';
import type { ExitCodeValue } from '../errors.ts';

/**
 * Runs a command body; src/cli.ts owns it. The body returns an exit code for
 * every expected outcome and throws a LoadctlError for the rest.
 */
export type ActionRunner = (body: () => Promise<ExitCodeValue | number>) => Promise<void>;

/** Each file in src/commands exports one of these; cli.ts calls them all. */
export type RegisterCommand = (program: Command, runAction: ActionRunner) => void;

/** Options every command sees (set on the root program). */
export interface GlobalOptions {
  verbose: boolean;
  quiet: boolean;
  color: boolean;
}
