// npm run schemas: writes docs/schemas/*.schema.json from the zod schemas of the public topics.
// A unit test compares the files with the schemas, so the published contract cannot drift.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { schemaDocuments } from './schema-documents.js';

const out = resolve(fileURLToPath(import.meta.url), '../../docs/schemas');
mkdirSync(out, { recursive: true });
for (const [file, doc] of Object.entries(schemaDocuments())) {
  writeFileSync(resolve(out, file), `${JSON.stringify(doc, null, 2)}\n`);
  console.log(`wrote docs/schemas/${file}`);
}
