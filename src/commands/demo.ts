// Placeholder: the owner of `loadctl demo` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('demo')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl demo is not built yet');
    }));
};
