// Placeholder: the owner of `loadctl setup-users` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('setup-users')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl setup-users is not built yet');
    }));
};
