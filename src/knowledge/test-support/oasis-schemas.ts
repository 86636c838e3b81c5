/**
 * The OASIS STIX 2.1 JSON Schemas (../shared/data/stix/json-schemas, BSD-3-Clause; read in place,
 * never copied into Accord) compiled with Ajv for JSON Schema 2020-12. Tests only: Accord validates
 * at run time with its own structural checks (validate.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { SHARED_DATA } from '../../components/parsers/test-support/golden.js';

export const STIX_SCHEMAS = join(SHARED_DATA, 'stix/json-schemas/schemas');
export const hasStixSchemas = existsSync(join(STIX_SCHEMAS, 'common/bundle.json'));

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface SchemaCheck {
  /** Errors of the bundle schema for a document (empty when it passes). */
  bundle(doc: unknown): string[];
  /** Errors of one object's own type schema (known types; custom ones get the core schemas). */
  object(obj: { readonly type: string }): string[];
}

const show = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} (${e.schemaPath})`);

export function loadStixSchemas(): SchemaCheck {
  const ajv = new Ajv2020({ strict: false, allErrors: false, unicodeRegExp: false });
  addFormats(ajv);
  // ajv-formats has no idn-hostname (domain-name:value): a hostname of Unicode labels.
  ajv.addFormat(
    'idn-hostname',
    (v: string) => v.length <= 253 && /^[^\s./]{1,63}(\.[^\s./]{1,63})*\.?$/u.test(v),
  );
  const byType = new Map<string, string>();
  for (const dir of readdirSync(STIX_SCHEMAS)) {
    for (const f of readdirSync(join(STIX_SCHEMAS, dir))) {
      if (!f.endsWith('.json')) continue;
      const schema = JSON.parse(readFileSync(join(STIX_SCHEMAS, dir, f), 'utf8')) as { $id: string };
      ajv.addSchema(schema);
      if (
        dir !== 'common' ||
        f === 'marking-definition.json' ||
        f === 'language-content.json' ||
        f === 'extension-definition.json'
      )
        byType.set(f.replace(/\.json$/, ''), schema.$id);
    }
  }
  const bundleId = [...byType.values()][0]?.replace(/[^/]+\/[^/]+$/, 'common/bundle.json') as string;
  const core = bundleId.replace('bundle.json', 'core.json');
  const scoCore = bundleId.replace('bundle.json', 'cyber-observable-core.json');
  return {
    bundle(doc) {
      const v = ajv.getSchema(bundleId);
      if (!v) throw new Error('bundle schema not loaded');
      return v(doc) ? [] : show(v.errors);
    },
    object(obj) {
      const id = byType.get(obj.type) ?? ('created' in obj ? core : scoCore);
      const v = ajv.getSchema(id);
      if (!v) throw new Error(`schema ${id} not loaded`);
      return v(obj) ? [] : show(v.errors);
    },
  };
}
