/**
 * The validator derived from the schema: raw parser output in, a harmonised Event or a reason out.
 * One bad value rejects the record (it goes to quarantine with the reason); empty values are
 * dropped, as IntelMQ's validate_to_none does.
 */
import { fastCanonicalTimestamp } from './fast-timestamp.js';
import type { Event, RawFields } from './schema/event.js';
import { FIELD_TYPES, type JsonValue, type ValidationContext } from './schema/field-types.js';
import { FIELDS, type FieldDef } from './schema/fields.js';
import { RSIT, type RsitTaxonomy, taxonomyOf } from './taxonomy.js';

export interface Rejection {
  /** Field at fault, when one is. */
  readonly field?: string;
  readonly reason: string;
}

/** A record must carry at least one of these to be worth reporting (the JSON Schema says so too). */
export const ADDRESS_FIELDS = [
  'source.ip',
  'source.fqdn',
  'source.url',
  'source.network',
  'source.urlpath',
  'destination.ip',
  'destination.fqdn',
  'destination.url',
  'malware.hash.md5',
  'malware.hash.sha1',
  'malware.hash.sha256',
] as const;

const FIELD_MAP = new Map<string, FieldDef>(Object.entries(FIELDS));

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'string' && v.trim() === '');
}

/**
 * Validate and normalise. `defaults` fill fields the record lacks (feed configuration);
 * `overrides` replace what the record says (e.g. feed.name).
 */
export function harmonise(
  raw: RawFields,
  ctx: ValidationContext,
  defaults?: RawFields,
  overrides?: RawFields,
): { ok: true; event: Event } | { ok: false; rejection: Rejection } {
  const out: Record<string, unknown> = {};
  let extra: Record<string, JsonValue> | undefined;

  let fromDefaults = false;
  const take = (name: string, value: unknown): Rejection | undefined => {
    if (isEmpty(value)) return undefined;
    if (name.startsWith('extra.')) {
      const key = name.slice(6);
      if (key.length === 0) return { field: name, reason: 'empty extra field name' };
      extra ??= {};
      // defineProperty, not assignment: "extra.__proto__" must be kept as data, not set a prototype.
      Object.defineProperty(extra, key, {
        value: typeof value === 'string' ? value.trim() : (value as JsonValue),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return undefined;
    }
    const def = FIELD_MAP.get(name);
    if (!def) return { field: name, reason: `unknown field "${name}"` };
    if (def.type === 'timestamp' && typeof value === 'string') {
      // Hot path: two timestamps per event; the common shapes skip the regex and Date objects.
      const fast = fastCanonicalTimestamp(value.trim(), ctx.time);
      if (fast !== undefined) {
        out[name] = fast;
        return undefined;
      }
    }
    const r = FIELD_TYPES[def.type].normalise(value, def.constraints ?? {}, ctx);
    if (typeof r === 'string') return { field: name, reason: `${name}: ${r}` };
    if (name === 'extra') {
      const given = r.value as Record<string, JsonValue>;
      // A feed default fills only the extra keys the record lacks; the record and overrides win.
      extra = fromDefaults ? { ...given, ...(extra ?? {}) } : { ...(extra ?? {}), ...given };
      return undefined;
    }
    out[name] = r.value;
    return undefined;
  };

  for (const k in raw) {
    if (overrides && k in overrides) continue;
    const bad = take(k, raw[k]);
    if (bad) return { ok: false, rejection: bad };
  }
  if (defaults) {
    fromDefaults = true;
    for (const k in defaults) {
      if (k in out || (overrides && k in overrides)) continue;
      if (k.startsWith('extra.') && extra && Object.hasOwn(extra, k.slice(6))) continue;
      const bad = take(k, defaults[k]);
      if (bad) return { ok: false, rejection: { ...bad, reason: `feed default ${bad.reason}` } };
    }
    fromDefaults = false;
  }
  if (overrides) {
    for (const k in overrides) {
      const bad = take(k, overrides[k]);
      if (bad) return { ok: false, rejection: { ...bad, reason: `feed setting ${bad.reason}` } };
    }
  }
  if (extra) out.extra = extra;

  // Classification: RSIT type decides the taxonomy; a mismatch is an error, absence is "undetermined".
  const type = out['classification.type'] as string | undefined;
  if (type === undefined) {
    const given = out['classification.taxonomy'];
    // RSIT has no "unknown type" under a taxonomy other than "other": storing taxonomy X with type
    // "undetermined" would be an inconsistent pair, so a taxonomy without a type is an error.
    if (given !== undefined && given !== 'other')
      return {
        ok: false,
        rejection: {
          field: 'classification.type',
          reason: `classification.taxonomy "${given}" is given without classification.type (one of: ${RSIT[given as RsitTaxonomy].join(', ')})`,
        },
      };
    out['classification.type'] = 'undetermined';
    out['classification.taxonomy'] = 'other';
  } else {
    const tax = taxonomyOf(type);
    const given = out['classification.taxonomy'];
    if (given !== undefined && given !== tax)
      return {
        ok: false,
        rejection: {
          field: 'classification.taxonomy',
          reason: `classification.taxonomy "${given}" does not match classification.type "${type}" (RSIT puts it under "${tax}")`,
        },
      };
    out['classification.taxonomy'] = tax;
  }

  if (out['feed.name'] === undefined)
    return { ok: false, rejection: { field: 'feed.name', reason: 'feed.name is missing' } };
  if (!ADDRESS_FIELDS.some((a) => out[a] !== undefined))
    return {
      ok: false,
      rejection: { reason: 'record has no IP address, network, domain, URL or hash to report' },
    };
  return { ok: true, event: out as Event };
}
