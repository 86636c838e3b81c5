/**
 * Event identity and observation keys.
 *
 * - An event's identity is a 64-bit hash of its harmonised fields except `time.observation` and
 *   `raw`: the same record read twice, from the same file or from overlapping files, has the same
 *   identity and is counted once. It is unique within its observation, which is all folding needs.
 * - An observation folds events by (classification type, source, destination ip:port, malware
 *   family, UTC day). Storage grows with observations, not with raw events.
 */
import { hash } from 'node:crypto';
import type { Event } from './schema/event.js';
import { FIELDS } from './schema/fields.js';

const IDENTITY_FIELDS = (Object.keys(FIELDS) as (keyof typeof FIELDS)[]).filter(
  (k) => (FIELDS[k] as { identity?: boolean }).identity !== false && k !== 'extra',
);

function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
    .join(',')}}`;
}

/** Position of each identity field in the schema: it seeds that field's hash. */
const RANK = new Map<string, number>(IDENTITY_FIELDS.map((k, i) => [k, i]));
/** Pseudo-fields after the schema's: the observed day (events without a source time) and extra. */
const DAY_RANK = IDENTITY_FIELDS.length;
const EXTRA_RANK = IDENTITY_FIELDS.length + 1;

// The two 32-bit lanes of the last fieldHash (module scratch: eventId is not re-entrant).
let f1 = 0;
let f2 = 0;

/**
 * Hash one field's value, seeded by the field's rank and the value's length, into f1/f2 (two
 * independent multiply-xorshift lanes over the UTF-16 code units, murmur3-finalised).
 */
function fieldHash(rank: number, t: string): void {
  const seed = Math.imul(rank + 1, 0x27d4eb2f);
  let h1 = (0x9e3779b9 ^ seed ^ t.length) | 0;
  let h2 = (0x85ebca6b ^ seed ^ Math.imul(t.length, 0x165667b1)) | 0;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0xcc9e2d51);
    h1 = (h1 << 15) | (h1 >>> 17);
    h2 = Math.imul(h2 ^ c, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  h1 ^= h2;
  h2 ^= h1;
  f1 = fmix(h1);
  f2 = fmix(h2 ^ 0x5bd1e995);
}

function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/**
 * An event's identity within its observation: 64 bits as an 8-character latin1 string.
 *
 * Each identity field (every harmonised field but `time.observation` and `raw`) is hashed on its
 * own, seeded by its place in the schema and its length, and the field hashes are added lane by
 * lane: the sum does not depend on the order the event's fields were set in, no value can imitate
 * another field (a value is never concatenated with anything), and no canonical text is built
 * (this replaced hashing a ~550-character "name, length, value" text per event: a third of the
 * identity's cost was the field names). Identity only has to tell an event apart from the other
 * events of its observation (identity determines the observation), a few to a few thousand a day:
 * 64 bits leave a collision chance far below one in a billion there.
 *
 * Events without a source time add the UTC day they were observed: a list re-read on the same day
 * folds, the same list tomorrow is a new sighting. `extra` is hashed as canonical JSON (keys sorted
 * at every depth).
 */
export function eventId(e: Event): string {
  let a1 = 0;
  let a2 = 0;
  const rec = e as Record<string, unknown>;
  for (const k in rec) {
    const r = RANK.get(k);
    const v = rec[k];
    if (r === undefined || v === undefined) continue;
    fieldHash(r, typeof v === 'string' ? v : String(v));
    a1 = (a1 + f1) | 0;
    a2 = (a2 + f2) | 0;
  }
  if (e['time.source'] === undefined && e['time.observation'] !== undefined) {
    fieldHash(DAY_RANK, String(e['time.observation']).slice(0, 10));
    a1 = (a1 + f1) | 0;
    a2 = (a2 + f2) | 0;
  }
  if (e.extra !== undefined) {
    fieldHash(EXTRA_RANK, stableJson(e.extra));
    a1 = (a1 + f1) | 0;
    a2 = (a2 + f2) | 0;
  }
  return String.fromCharCode(
    a1 >>> 24,
    (a1 >>> 16) & 255,
    (a1 >>> 8) & 255,
    a1 & 255,
    a2 >>> 24,
    (a2 >>> 16) & 255,
    (a2 >>> 8) & 255,
    a2 & 255,
  );
}

/**
 * MD5 as a 16-byte Buffer cut from Node's shared pool: crypto's own Buffer output costs a fresh
 * ArrayBuffer per digest, which is most of the digest's cost and GC work.
 */
function digest16(text: string): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.write(hash('md5', text, 'hex'), 'hex');
  return b;
}

export interface ObservationKey {
  /** The canonical text of the key: what an observation is, and the in-memory folding key. */
  readonly text: string;
  /** 16-byte MD5 of `text`: the observation's storage key (computed when first asked for). */
  readonly key: Buffer;
  readonly type: string;
  readonly source: string;
  readonly destinationIp: string | undefined;
  readonly destinationPort: number | undefined;
  readonly malware: string | undefined;
  readonly day: string;
}

/** The observation an event folds into. */
export function observationKey(e: Event): ObservationKey {
  const type = e['classification.type'] ?? 'undetermined';
  const source =
    e['source.ip'] ??
    e['source.fqdn'] ??
    e['source.url'] ??
    e['source.network'] ??
    e['source.urlpath'] ??
    e['malware.hash.sha256'] ??
    e['malware.hash.sha1'] ??
    e['malware.hash.md5'] ??
    e['destination.ip'] ??
    e['destination.fqdn'] ??
    e['destination.url'] ??
    '';
  const destinationIp = e['destination.ip'];
  const destinationPort = e['destination.port'];
  const malware = e['malware.name'];
  const day = (e['time.source'] ?? e['time.observation'] ?? '').slice(0, 10);
  // JSON, not a "|"-joined string: a URL or family name containing "|" must not shift the parts.
  const text = JSON.stringify([
    type,
    source,
    destinationIp ?? null,
    destinationPort ?? null,
    malware ?? null,
    day,
  ]);
  return new Key(text, type, source, destinationIp, destinationPort, malware, day);
}

class Key implements ObservationKey {
  private digest: Buffer | undefined;
  constructor(
    readonly text: string,
    readonly type: string,
    readonly source: string,
    readonly destinationIp: string | undefined,
    readonly destinationPort: number | undefined,
    readonly malware: string | undefined,
    readonly day: string,
  ) {}

  get key(): Buffer {
    this.digest ??= digest16(this.text);
    return this.digest;
  }
}
