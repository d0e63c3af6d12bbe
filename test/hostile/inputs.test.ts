// Runs the hostile-inputs table (rows.ts) against bin/loadctl.js with the
// checks every row gets (table.ts).
import { rows } from './rows.ts';
import { hostileTable } from './table.ts';

hostileTable('hostile inputs: one line, the documented exit code, nothing left behind', rows);
