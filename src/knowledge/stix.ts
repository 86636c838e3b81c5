/**
 * STIX 2.1 basics shared by derive, import, export and the knowledge store: the object shape (any
 * object, known or custom: properties are kept as they came), timestamps, identifiers.
 */

/** A STIX object as JSON: the common properties typed, every other property kept as it is. */
export interface StixObject {
  readonly type: string;
  readonly id: string;
  readonly spec_version?: string;
  readonly created?: string;
  readonly modified?: string;
  readonly object_marking_refs?: readonly string[];
  readonly [property: string]: unknown;
}

export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** `type--UUID` as the OASIS schema's common/identifier.json accepts it. */
export const IDENTIFIER =
  /^([a-z][a-z0-9-]+[a-z0-9])--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;

/** RFC 3339 UTC timestamp as STIX requires (common/timestamp.json), any sub-second precision. */
export const TIMESTAMP =
  /^([0-9]{4})-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$/;

/**
 * A STIX timestamp as microseconds since the epoch (the precision versions are compared at), or
 * undefined when it is not one. Digits past the microsecond are ignored.
 */
export function timestampMicros(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  // A leap second (":60") is no instant Date can hold; as before, it is not read.
  if (m[6] === '60') return undefined;
  const day = dayStartMs(text.slice(0, 10));
  if (day === undefined) return undefined;
  const ms = day + ((Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6])) * 1000;
  const frac = (m[7] ?? '.').slice(1).padEnd(6, '0').slice(0, 6);
  return ms * 1000 + Number(frac);
}

/** Days already read (imports see the same few days in every object): no Date per timestamp. */
const DAY_STARTS = new Map<string, number>();

function dayStartMs(date: string): number | undefined {
  const known = DAY_STARTS.get(date);
  if (known !== undefined) return known;
  const ms = Date.parse(`${date}T00:00:00Z`);
  // Date.parse accepts Feb 30; STIX does not: check the date round-trips.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  if (DAY_STARTS.size >= 4096) DAY_STARTS.clear();
  DAY_STARTS.set(date, ms);
  return ms;
}

/** Epoch ms as a STIX timestamp with millisecond precision ("2026-11-01T10:00:00.000Z"). */
export function stixTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** Epoch microseconds as a STIX timestamp, with milliseconds unless finer digits are needed. */
export function stixTimeMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  const base = new Date(ms).toISOString();
  return rest === 0 ? base : `${base.slice(0, -1)}${String(rest).padStart(3, '0')}Z`;
}

/** The STIX Cyber-observable Object types of the 2.1 specification (they have no created/modified). */
export const SCO_TYPES: ReadonlySet<string> = new Set([
  'artifact',
  'autonomous-system',
  'directory',
  'domain-name',
  'email-addr',
  'email-message',
  'file',
  'ipv4-addr',
  'ipv6-addr',
  'mac-addr',
  'mutex',
  'network-traffic',
  'process',
  'software',
  'url',
  'user-account',
  'windows-registry-key',
  'x509-certificate',
]);

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
