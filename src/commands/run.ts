// Placeholder: the owner of `loadctl run` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('run')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl run is not built yet');
    }));
};
