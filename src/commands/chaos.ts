// Placeholder: the owner of `loadctl chaos` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('chaos')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl chaos is not built yet');
    }));
};
