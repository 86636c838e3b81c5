/**
 * The common filters of observations and events (docs/api.md, "Common filters"), read from a
 * querystring: every value validated and made canonical, or an error naming the parameter (the
 * route answers 400 ACCORD_BAD_REQUEST with it). `field.<name>` accepts any harmonised field of
 * the schema (src/domain/schema/fields.ts) except json ones; its value is normalised by the
 * field's type, as the ingest does, so `field.source.ip=2001:DB8::1` finds the stored 2001:db8::1.
 */
import { parseCidr, parseIp } from '../../../../domain/ip.js';
import { err, ok, type Result } from '../../../../domain/result.js';
import { FIELD_TYPES } from '../../../../domain/schema/field-types.js';
import { FIELDS, type FieldName, isFieldName } from '../../../../domain/schema/fields.js';
import { RSIT_TYPES } from '../../../../domain/taxonomy.js';
import { parseTimestampMs } from '../../../../domain/time.js';
import type { ObservationFilter, TimeBound } from '../../../../storage/sqlite/observation-query.js';

export interface ParamError {
  readonly param: string;
  readonly message: string;
}

/** The filter parameters, for the routes' querystring schemas (field.* are pattern properties). */
export const FILTER_PARAMS = {
  type: { type: 'string', description: 'classification.type (RSIT), e.g. infected-system' },
  since: { type: 'string', description: 'from this day (YYYY-MM-DD) or time (ISO 8601), included' },
  until: { type: 'string', description: 'up to this day (YYYY-MM-DD, the whole day) or time, included' },
  ip: { type: 'string', description: 'source or destination address' },
  cidr: { type: 'string', description: 'source or destination address in this network (IPv4 or IPv6)' },
  asn: { type: 'string', description: 'source or destination AS (64496 or AS64496)' },
  country: { type: 'string', description: 'source or destination country (ISO 3166-1 alpha-2)' },
  srcCountry: { type: 'string', description: 'source country' },
  dstCountry: { type: 'string', description: 'destination country' },
  family: { type: 'string', description: 'malware family (malware.name)' },
  owner: { type: 'string', description: 'constituency organisation id (source or destination)' },
  scope: { type: 'string', enum: ['domestic', 'foreign'], description: 'constituency scope of the source' },
  warninglist: {
    type: 'string',
    enum: ['true', 'false'],
    description: 'on a MISP warninglist (either side)',
  },
  feed: { type: 'string', description: 'feed name' },
} as const;

const COUNTRY = /^[A-Za-z]{2}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A time bound: a day (the day's start for since, its last millisecond for until) or a time. */
export function parseBound(text: string, end: boolean): TimeBound | string {
  if (DAY.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (!Number.isFinite(start) || new Date(start).toISOString().slice(0, 10) !== text)
      return `"${text}" is not a day`;
    return { day: text, ms: end ? start + 86_399_999 : start, exact: false };
  }
  const ms = parseTimestampMs(text);
  if (typeof ms === 'string' || !/^\d{4}-/.test(text) || Math.abs(ms) > 8.64e15)
    return `"${text}" is not a day (YYYY-MM-DD) or an ISO 8601 time`;
  return { day: new Date(ms).toISOString().slice(0, 10), ms, exact: true };
}

export function parseAsn(text: string): number | undefined {
  const m = /^(?:AS)?(\d{1,10})$/i.exec(text.trim());
  const n = m ? Number(m[1]) : Number.NaN;
  return Number.isInteger(n) && n >= 0 && n <= 4294967295 ? n : undefined;
}

function fieldValue(name: FieldName, raw: string): string | number | ParamError {
  const def = FIELDS[name];
  const param = `field.${name}`;
  if (def.type === 'json') return { param, message: `${name} is a JSON field and cannot be filtered on` };
  const constraints = { ...('constraints' in def && def.constraints ? def.constraints : {}), public: false };
  const now = Date.now();
  const r = FIELD_TYPES[def.type].normalise(raw, constraints, {
    time: { notBefore: Date.UTC(1970, 0, 1), notAfter: now + 100 * 365 * 86_400_000 },
  });
  if (typeof r === 'string') return { param, message: r };
  const v = r.value;
  if (typeof v === 'string' || typeof v === 'number') return v;
  return { param, message: `${name} cannot be filtered on` };
}

/** Read the filters of a querystring (other keys are ignored: pagination, format). */
export function parseFilterParams(
  q: Readonly<Record<string, unknown>>,
): Result<ObservationFilter, ParamError> {
  const out: Record<string, unknown> = {};
  const fields: Array<{ name: FieldName; value: string | number }> = [];
  const bad = (param: string, message: string) => err({ param, message });
  for (const [key, rawValue] of Object.entries(q)) {
    if (rawValue === undefined) continue;
    if (Array.isArray(rawValue)) return bad(key, 'must be given once');
    const value = String(rawValue).trim();
    if (key.startsWith('field.')) {
      const name = key.slice('field.'.length);
      if (!isFieldName(name)) return bad(key, `"${name}" is not a harmonised field (see docs/fields.md)`);
      const v = fieldValue(name, value);
      if (typeof v === 'object') return err(v);
      fields.push({ name, value: v });
      continue;
    }
    switch (key) {
      case 'type':
        if (!(RSIT_TYPES as readonly string[]).includes(value))
          return bad(key, `"${value}" is not an RSIT classification type`);
        out.type = value;
        break;
      case 'since':
      case 'until': {
        const b = parseBound(value, key === 'until');
        if (typeof b === 'string') return bad(key, b);
        out[key] = b;
        break;
      }
      case 'ip': {
        const ip = parseIp(value);
        if (!ip) return bad(key, `"${value}" is not an IP address`);
        out.ip = ip.text;
        break;
      }
      case 'cidr': {
        const c = parseCidr(value);
        if (typeof c === 'string') return bad(key, c);
        out.cidr = c;
        break;
      }
      case 'asn': {
        const n = parseAsn(value);
        if (n === undefined) return bad(key, `"${value}" is not an AS number`);
        out.asn = n;
        break;
      }
      case 'country':
      case 'srcCountry':
      case 'dstCountry':
        if (!COUNTRY.test(value)) return bad(key, `"${value}" is not a two-letter country code`);
        out[key] = value.toUpperCase();
        break;
      case 'family':
        if (value === '') return bad(key, 'must not be empty');
        out.family = value.toLowerCase();
        break;
      case 'owner':
      case 'feed':
        if (value === '') return bad(key, 'must not be empty');
        out[key] = value;
        break;
      case 'scope':
        if (value !== 'domestic' && value !== 'foreign') return bad(key, 'must be domestic or foreign');
        out.scope = value;
        break;
      case 'warninglist':
        if (value !== 'true' && value !== 'false') return bad(key, 'must be true or false');
        out.warninglist = value === 'true';
        break;
      default:
        break;
    }
  }
  const since = out.since as TimeBound | undefined;
  const until = out.until as TimeBound | undefined;
  if (since && until && since.ms > until.ms) return bad('since', 'is after until');
  if (fields.length > 0) out.fields = fields;
  return ok(out as ObservationFilter);
}
