// `loadctl list`: profiles, scenarios and chaos experiments, one line each.
import type { Command } from 'commander';
import type { RegisterCommand } from './types.ts';
import { printable } from '../inputs/printable.ts';

export interface Listing {
  profiles: Array<{ name: string; description: string; scenario: string }>;
  scenarios: Array<{ name: string; description: string }>;
  experiments: Array<{ name: string; description: string }>;
}

export async function collectListing(cwd: string): Promise<Listing> {
  const [{ listProfiles, listScenarios }, { listExperiments }] = await Promise.all([
    import('../profiles/load.ts'),
    import('../chaos/experiments.ts'),
  ]);
  const [profiles, scenarios, experiments] = await Promise.all([listProfiles(cwd), listScenarios(cwd), listExperiments(cwd)]);
  return { profiles, scenarios, experiments };
}

/** Pure: aligned sections, names padded to the longest. */
export function renderListing(listing: Listing, heading: (text: string) => string = (t) => t): string {
  const section = (title: string, rows: Array<{ name: string; description: string }>, empty: string) => {
    const width = Math.max(0, ...rows.map((r) => printable(r.name).length));
    // Names and descriptions come from files: shown as text, never obeyed by the terminal.
    const lines = rows.map((r) => `  ${printable(r.name).padEnd(width)}  ${printable(r.description)}`.trimEnd());
    return [heading(title), ...(lines.length > 0 ? lines : [`  ${empty}`])].join('\n');
  };
  return [
    section('Profiles (loadctl run <profile>)', listing.profiles.map((p) => ({ name: p.name, description: `${p.description} [${p.scenario}]` })), '(none: add profiles/<name>.yaml)'),
    section('Scenarios', listing.scenarios, '(none: add scenarios/<name>.ts)'),
    section('Chaos experiments (loadctl chaos <experiment>)', listing.experiments, '(none: add chaos/<name>.yaml)'),
  ].join('\n\n');
}

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('list')
    .description('list profiles, scenarios and chaos experiments')
    .option('--json', 'print the lists as JSON')
    .action((flags: { json?: boolean }, command: Command) =>
      runAction(async () => {
        const listing = await collectListing(process.cwd());
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
          return 0;
        }
        const { createUi } = await import('../ui.ts');
        const ui = createUi({ color: command.optsWithGlobals<{ color?: boolean }>().color });
        ui.result(renderListing(listing, (t) => ui.colors.bold(t)));
        return 0;
      }),
    );
};
