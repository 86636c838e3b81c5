import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED, ROOT, renderFieldsDoc } from '../../../scripts/gen-docs.js';
import { RSIT_TYPES } from '../taxonomy.js';
import { FIELD_TYPES } from './field-types.js';
import { FIELD_NAMES, FIELDS } from './fields.js';

describe('generated docs', () => {
  for (const g of GENERATED) {
    it(`${g.path} is up to date (run \`npm run docs\` when this fails)`, () => {
      const path = join(ROOT, g.path);
      const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '';
      if (onDisk !== g.render())
        expect.fail(`${g.path} is stale or missing: it no longer matches the schema. Run \`npm run docs\`.`);
    });
  }

  it('docs/fields.md lists every field, type and RSIT type', () => {
    const doc = renderFieldsDoc();
    for (const name of FIELD_NAMES) expect(doc).toContain(`| \`${name}\` | [${FIELDS[name].type}]`);
    for (const t of Object.keys(FIELD_TYPES)) expect(doc).toContain(`<a id="${t}"></a>`);
    for (const t of RSIT_TYPES) expect(doc).toContain(`\`${t}\``);
    expect(doc).toContain('## extra.*');
    expect(doc).toContain('one of `online`, `offline`');
    expect(doc).toContain('public addresses only');
  });
});
