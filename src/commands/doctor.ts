// Placeholder: the owner of `loadctl doctor` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('doctor')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl doctor is not built yet');
    }));
};
