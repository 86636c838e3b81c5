/** The harmonised event type, derived from the schema table. */
import type { FieldTypeValues } from './field-types.js';
import type { FIELDS, FieldName } from './fields.js';

export type FieldValue<K extends FieldName> = FieldTypeValues[(typeof FIELDS)[K]['type']];

/** One harmonised record. Every field is optional; `extra` holds what the schema has no field for. */
export type Event = { readonly [K in FieldName]?: FieldValue<K> };

/** What a parser produces: raw values by field name, before validation ("extra.x" keys allowed). */
export type RawFields = Record<string, unknown>;
