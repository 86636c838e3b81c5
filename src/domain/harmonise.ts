/**
 * The validator derived from the schema: raw parser output in, a harmonised Event or a reason out.
 * One bad value rejects the record (it goes to quarantine with the reason); empty values are
 * dropped, as IntelMQ's validate_to_none does.
 */
import { fastCanonicalTimestamp } from './fast-timestamp.js';
import type { Event, RawFields } from './schema/event.js';
import {
  FIELD_TYPES,
  type FieldConstraints,
  type JsonValue,
  type Normalised,
  type ValidationContext,
} from './schema/field-types.js';
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

/**
 * Values of one field already normalised, by their raw text. Feeds repeat most values (C2
 * addresses, ports, ASNs, country codes, family names, enum values): a Map lookup costs a tenth of
 * parsing an address again. The result depends only on the text and the field's constraints
 * (timestamps, which also depend on the time bounds, and JSON values are never memoised), and
 * only accepted values are kept, so a memoised field validates exactly as an unmemoised one
 * (harmonise.test.ts checks both ways agree on real samples and random input).
 *
 * Bounded: a memo is cleared when it reaches MEMO_SIZE entries. A field whose values hardly
 * repeat (host addresses, source ports) would only pay for lookups and inserts, so each window
 * of MEMO_WINDOW lookups with under one hit in MEMO_MIN_HIT_RATIO turns its memo off for
 * MEMO_PAUSE lookups, after which it is tried again (the next feed may repeat more).
 */
const MEMO_SIZE = 4096;
const MEMO_WINDOW = 2048;
const MEMO_MIN_HIT_RATIO = 4;
const MEMO_PAUSE = 65_536;

class FieldMemo {
  readonly values = new Map<string | number, unknown>();
  private lookups = 0;
  private hits = 0;
  /** Lookups left before trying the memo again, while it is off. */
  private paused = 0;

  constructor(
    readonly def: FieldDef,
    readonly constraints: FieldConstraints,
  ) {}

  /** The normalised value or the reason it is refused; `ctx` is only used on a miss. */
  normalise(raw: string | number, ctx: ValidationContext): Normalised {
    if (this.paused > 0) {
      this.paused--;
      return FIELD_TYPES[this.def.type].normalise(raw, this.constraints, ctx);
    }
    if (++this.lookups === MEMO_WINDOW) {
      const poor = this.hits * MEMO_MIN_HIT_RATIO < MEMO_WINDOW;
      this.lookups = 0;
      this.hits = 0;
      if (poor) {
        this.paused = MEMO_PAUSE;
        this.values.clear();
      }
    }
    const known = this.values.get(raw);
    if (known !== undefined) {
      this.hits++;
      return { value: known };
    }
    const r = FIELD_TYPES[this.def.type].normalise(raw, this.constraints, ctx);
    if (typeof r !== 'string' && r.value !== undefined) {
      if (this.values.size >= MEMO_SIZE) this.values.clear();
      this.values.set(
        typeof raw === 'string' ? own(raw) : raw,
        typeof r.value === 'string' ? own(r.value) : r.value,
      );
    }
    return r;
  }
}

/**
 * A copy of `s` that shares no memory with a longer string it was cut from. V8 cuts substrings of
 * 13 characters or more as views of their parent (a whole line, or a 1 MiB read): kept in a memo,
 * each would keep its parent alive (measured: +60 MiB peak RSS on a 1 M-row ingest).
 */
function own(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

const NO_CONSTRAINTS: FieldConstraints = {};

/**
 * What to do with one field name, decided once per name instead of once per value: an `extra.*`
 * key, a schema field (with its memo when its type has one), or an unknown name.
 */
type Handler =
  | { readonly kind: 'extra'; readonly key: string }
  | {
      readonly kind: 'field';
      readonly def: FieldDef;
      readonly constraints: FieldConstraints;
      readonly memo: FieldMemo | undefined;
      readonly timestamp: boolean;
    }
  | { readonly kind: 'unknown' };

const HANDLERS = new Map<string, Handler>();
/** Names seen that are not schema fields ("extra.x" keys, typos) are remembered up to this many. */
const MAX_HANDLERS = 4096;

function handlerOf(name: string): Handler {
  let h = HANDLERS.get(name);
  if (h !== undefined) return h;
  if (name.startsWith('extra.')) h = { kind: 'extra', key: name.slice(6) };
  else {
    const def = FIELD_MAP.get(name);
    h =
      def === undefined
        ? { kind: 'unknown' }
        : {
            kind: 'field',
            def,
            constraints: def.constraints ?? NO_CONSTRAINTS,
            memo:
              def.type !== 'timestamp' && def.type !== 'json'
                ? new FieldMemo(def, def.constraints ?? NO_CONSTRAINTS)
                : undefined,
            timestamp: def.type === 'timestamp',
          };
  }
  if (HANDLERS.size < MAX_HANDLERS || FIELD_MAP.has(name)) HANDLERS.set(name, h);
  return h;
}

/** Whether harmonise memoises normalised values (tests turn it off to compare). */
let memoEnabled = true;
export function setHarmoniseMemo(on: boolean): void {
  memoEnabled = on;
  if (!on) HANDLERS.clear();
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (typeof v === 'string' && v.trim() === '');
}

/** The event being built by one harmonise call. */
interface Draft {
  readonly out: Record<string, unknown>;
  extra: Record<string, JsonValue> | undefined;
  /** Taking feed defaults: an `extra` default fills only the keys the record lacks. */
  fromDefaults: boolean;
}

function take(d: Draft, name: string, value: unknown, ctx: ValidationContext): Rejection | undefined {
  if (isEmpty(value)) return undefined;
  const h = handlerOf(name);
  if (h.kind === 'extra') {
    if (h.key.length === 0) return { field: name, reason: 'empty extra field name' };
    d.extra ??= {};
    // defineProperty, not assignment: "extra.__proto__" must be kept as data, not set a prototype.
    Object.defineProperty(d.extra, h.key, {
      value: typeof value === 'string' ? value.trim() : (value as JsonValue),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return undefined;
  }
  if (h.kind === 'unknown') return { field: name, reason: `unknown field "${name}"` };
  if (h.memo !== undefined && memoEnabled && (typeof value === 'string' || typeof value === 'number')) {
    const r = h.memo.normalise(value, ctx);
    if (typeof r === 'string') return { field: name, reason: `${name}: ${r}` };
    d.out[name] = r.value;
    return undefined;
  }
  if (h.timestamp && typeof value === 'string') {
    // Hot path: two timestamps per event; the common shapes skip the regex and Date objects.
    const fast = fastCanonicalTimestamp(value.trim(), ctx.time);
    if (fast !== undefined) {
      d.out[name] = fast;
      return undefined;
    }
  }
  const r = FIELD_TYPES[h.def.type].normalise(value, h.constraints, ctx);
  if (typeof r === 'string') return { field: name, reason: `${name}: ${r}` };
  if (name === 'extra') {
    const given = r.value as Record<string, JsonValue>;
    // A feed default fills only the extra keys the record lacks; the record and overrides win.
    d.extra = d.fromDefaults ? { ...given, ...(d.extra ?? {}) } : { ...(d.extra ?? {}), ...given };
    return undefined;
  }
  d.out[name] = r.value;
  return undefined;
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
  const d: Draft = { out: {}, extra: undefined, fromDefaults: false };
  const out = d.out;

  for (const k in raw) {
    const v = raw[k];
    // Most parsers hand every column, empty or not (Shadowserver's plan: ~40 keys, ~15 set).
    if (v === null || v === undefined) continue;
    if (overrides && k in overrides) continue;
    const bad = take(d, k, v, ctx);
    if (bad) return { ok: false, rejection: bad };
  }
  if (defaults) {
    d.fromDefaults = true;
    for (const k in defaults) {
      if (k in out || (overrides && k in overrides)) continue;
      if (k.startsWith('extra.') && d.extra && Object.hasOwn(d.extra, k.slice(6))) continue;
      const bad = take(d, k, defaults[k], ctx);
      if (bad) return { ok: false, rejection: { ...bad, reason: `feed default ${bad.reason}` } };
    }
    d.fromDefaults = false;
  }
  if (overrides) {
    for (const k in overrides) {
      const bad = take(d, k, overrides[k], ctx);
      if (bad) return { ok: false, rejection: { ...bad, reason: `feed setting ${bad.reason}` } };
    }
  }
  const extra = d.extra;
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
