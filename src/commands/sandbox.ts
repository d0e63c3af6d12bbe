// Placeholder: the owner of `loadctl sandbox` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('sandbox')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl sandbox is not built yet');
    }));
};
