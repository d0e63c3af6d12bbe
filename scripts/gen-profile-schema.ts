// Writes profiles/profile.schema.json from the zod schema, so editors complete
// profiles. Run after changing src/profiles/schema.ts:
//   node --import tsx scripts/gen-profile-schema.ts
// test/unit/profiles/schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { profileJsonSchema } from '../src/profiles/schema.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('../profiles/profile.schema.json', import.meta.url));

export function renderProfileSchema(): string {
  return `${JSON.stringify(profileJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SCHEMA_FILE, renderProfileSchema());
  console.log(`wrote ${SCHEMA_FILE}`);
}
