// Placeholder: the owner of `loadctl list` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('list')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl list is not built yet');
    }));
};
