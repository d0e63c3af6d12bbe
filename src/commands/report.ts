// Placeholder: the owner of `loadctl report` replaces this file.
import type { RegisterCommand } from './types.ts';
import { UsageError } from '../errors.ts';

export const register: RegisterCommand = (program, runAction) => {
  program
    .command('report')
    .description('(not built yet)')
    .action(() => runAction(async () => {
      throw new UsageError('loadctl report is not built yet');
    }));
};
