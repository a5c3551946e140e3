import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemaDocuments } from '../../../scripts/schema-documents.js';
import { APP_ROOT } from '../../helpers/host.js';

describe('published JSON Schemas', () => {
  it.each(Object.entries(schemaDocuments()))('docs/schemas/%s matches the code (run `npm run schemas` after changing a schema)', (file, doc) => {
    const published = JSON.parse(readFileSync(resolve(APP_ROOT, 'docs/schemas', file), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
