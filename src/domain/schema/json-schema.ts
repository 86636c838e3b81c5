/**
 * JSON Schema (draft 2020-12) of the harmonised event, derived from the schema table (fields.ts)
 * so that partners and other tools can check what Accord emits without reading TypeScript.
 * `npm run docs` writes it to docs/event.schema.json; a test checks that harmonised events
 * validate against it and that the file is not stale.
 *
 * What JSON Schema cannot say is left to `harmonise` and stated in `$comment`: whether an IP
 * address is public, and the lower-casing/normalisation the types apply on the way in.
 */
import { ADDRESS_FIELDS } from '../harmonise.js';
import { RSIT, RSIT_TAXONOMIES } from '../taxonomy.js';
import { type FieldConstraints, type FieldTypeName, TLP_LEVELS } from './field-types.js';
import { FIELD_NAMES, FIELDS, type FieldDef } from './fields.js';

/** A JSON Schema document or subschema (plain JSON). */
export type JsonSchema = { readonly [k: string]: unknown };

export const EVENT_SCHEMA_ID = 'https://accord.invalid/schemas/event.schema.json';

/** One canonical IPv6 group: lower-case hex without leading zeros (RFC 5952 section 4.1). */
const H = '(?:0|[1-9a-f][0-9a-f]{0,3})';
const V4_OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = `${V4_OCTET}(?:\\.${V4_OCTET}){3}`;
/** Eight full groups, or a "::" with up to six groups around it (RFC 5952 output of formatIPv6). */
const IPV6 = `(?:${H}(?::${H}){7}|(?:${H}(?::${H}){0,5})?::(?:${H}(?::${H}){0,5})?)`;

function patternOf(re: RegExp): string {
  // JSON Schema patterns carry no flags: a flagged pattern in the table could not be said here.
  if (re.flags.replace(/[gu]/g, '') !== '')
    throw new Error(`pattern ${re} has flags that JSON Schema cannot express`);
  return re.source;
}

const TYPE_SCHEMAS: Readonly<Record<FieldTypeName, (c: FieldConstraints) => JsonSchema>> = {
  ip: (c) => ({
    type: 'string',
    anyOf: [
      { format: 'ipv4', pattern: `^${IPV4}$` },
      { format: 'ipv6', pattern: `^${IPV6}$` },
    ],
    ...(c.public
      ? { $comment: 'public unicast addresses only (checked by Accord, not by this schema)' }
      : {}),
  }),
  cidr: () => ({
    type: 'string',
    anyOf: [
      { pattern: `^${IPV4}/(?:3[0-2]|[12]?[0-9])$` },
      { pattern: `^${IPV6}/(?:12[0-8]|1[01][0-9]|[1-9]?[0-9])$` },
    ],
  }),
  fqdn: () => ({
    type: 'string',
    format: 'hostname',
    maxLength: 253,
    pattern: '^[a-z0-9_-]{1,63}(?:\\.[a-z0-9_-]{1,63})+$',
  }),
  url: () => ({ type: 'string', format: 'uri', pattern: '^[a-z][a-z0-9+.-]*:\\S+$' }),
  asn: () => ({ type: 'integer', minimum: 1, maximum: 4294967295 }),
  'country-code': () => ({ type: 'string', pattern: '^[A-Z]{2}$' }),
  port: () => ({ type: 'integer', minimum: 0, maximum: 65535 }),
  timestamp: () => ({
    type: 'string',
    format: 'date-time',
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{3})?\\+00:00$',
  }),
  tlp: () => ({ type: 'string', enum: [...TLP_LEVELS] }),
  enum: (c) => ({ type: 'string', enum: [...(c.values ?? [])] }),
  string: (c) => ({
    type: 'string',
    ...(c.maxLength !== undefined ? { maxLength: c.maxLength } : {}),
    ...(c.pattern ? { pattern: patternOf(c.pattern) } : {}),
  }),
  integer: (c) => ({
    type: 'integer',
    ...(c.min !== undefined ? { minimum: c.min } : {}),
    ...(c.max !== undefined ? { maximum: c.max } : {}),
  }),
  hash: (c) => ({ type: 'string', pattern: c.pattern ? patternOf(c.pattern) : '^[0-9a-f]+$' }),
  json: () => ({ type: 'object' }),
};

/** The subschema of one field: its type's schema plus the field's description. */
export function fieldJsonSchema(name: keyof typeof FIELDS): JsonSchema {
  const def = FIELDS[name];
  return { description: def.description, ...TYPE_SCHEMAS[def.type]((def as FieldDef).constraints ?? {}) };
}

/** The whole event: every field optional except those harmonise always sets or requires. */
export function eventJsonSchema(): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const name of FIELD_NAMES) properties[name] = fieldJsonSchema(name);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: EVENT_SCHEMA_ID,
    title: 'Accord harmonised event',
    description:
      'One harmonised record, with IntelMQ field names. Generated from src/domain/schema/fields.ts by `npm run docs`; do not edit.',
    type: 'object',
    properties,
    additionalProperties: false,
    required: ['feed.name', 'classification.taxonomy', 'classification.type'],
    // At least one thing to report, as harmonise requires.
    anyOf: ADDRESS_FIELDS.map((f) => ({ required: [f] })),
    // classification.type must sit under classification.taxonomy (RSIT).
    allOf: RSIT_TAXONOMIES.map((t) => ({
      if: { properties: { 'classification.taxonomy': { const: t } }, required: ['classification.taxonomy'] },
      // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
      then: { properties: { 'classification.type': { enum: [...RSIT[t]] } } },
    })),
  };
}
