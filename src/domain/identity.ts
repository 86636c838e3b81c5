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

/** Position of each identity field in the canonical order (schema order). */
const RANK = new Map<string, number>(IDENTITY_FIELDS.map((k, i) => [k, i]));
/** Scratch slots, one per identity field, reused by every call (identityText is not re-entrant). */
const parts: (string | undefined)[] = new Array<string | undefined>(IDENTITY_FIELDS.length).fill(undefined);

/** The canonical text an event's identity is computed from. */
export function identityText(e: Event): string {
  // Each value is length-prefixed, so no value (a feed may send control characters) can imitate a
  // separator and make two different events share one identity.
  // Hot path: visit the event's own ~20 keys (not the ~80 schema fields) and put each part in its
  // schema-order slot, so the text is the same whatever order the fields were set in.
  let lo = parts.length;
  let hi = -1;
  const rec = e as Record<string, unknown>;
  for (const k in rec) {
    const r = RANK.get(k);
    const v = rec[k];
    if (r === undefined || v === undefined) continue;
    const t = String(v);
    parts[r] = `${k}\u001f${t.length}\u001f${t}\u001e`;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  let s = '';
  for (let i = lo; i <= hi; i++) {
    const p = parts[i];
    if (p !== undefined) {
      s += p;
      parts[i] = undefined;
    }
  }
  // Events without a source time are identified by the day they were observed: a list re-read on
  // the same day folds, the same list tomorrow is a new sighting.
  if (e['time.source'] === undefined && e['time.observation'] !== undefined)
    s += `day\u001f${String(e['time.observation']).slice(0, 10)}\u001e`;
  if (e.extra !== undefined) s += `extra\u001f${stableJson(e.extra)}`;
  return s;
}

/**
 * MD5 as a 16-byte Buffer cut from Node's shared pool: crypto's own Buffer output costs a fresh
 * ArrayBuffer per digest (two per event), which is most of the digest's cost and GC work.
 */
function digest16(text: string): Buffer {
  const b = Buffer.allocUnsafe(16);
  b.write(hash('md5', text, 'hex'), 'hex');
  return b;
}

/**
 * 64-bit hash of a text (two independent 32-bit multiply-xorshift lanes over its UTF-16 code
 * units, murmur3 finalised), as 8 bytes. An event's identity only has to tell it apart from the
 * other events of its observation (identity determines the observation), a few to a few thousand
 * a day: 64 bits leave a collision chance far below one in a billion there, at a tenth of the cost
 * of a cryptographic digest on the hot path.
 */
export function hash64(text: string): Buffer {
  let h1 = 0x9e3779b9 ^ text.length;
  let h2 = 0x85ebca6b ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0xcc9e2d51);
    h1 = (h1 << 15) | (h1 >>> 17);
    h2 = Math.imul(h2 ^ c, 0x1b873593);
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0xe6546b64) | 0;
  }
  h1 ^= h2;
  h2 ^= h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  const b = Buffer.allocUnsafe(8);
  b.writeInt32BE(h1, 0);
  b.writeInt32BE(h2, 4);
  return b;
}

function fmix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return x ^ (x >>> 16);
}

/** 8-byte identity of an event within its observation (see hash64). */
export function eventId(e: Event): Buffer {
  return hash64(identityText(e));
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
