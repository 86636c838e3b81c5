/**
 * One entry of `feeds:` in accord.yaml, validated. The keys are the docs (docs/configuration.md):
 *
 * ```yaml
 * feeds:
 *   - name: example-c2-list            # feed.name of the events; unique
 *     provider: Example CERT           # feed.provider
 *     source: https://feeds.example.com/c2.csv   # or a file path or glob: drops/*.csv
 *     format: mapped-csv               # optional: detected from the content when absent
 *     parser: { ... }                  # the parser's own options (checked by the parser)
 *     schedule: every 1h               # or 30m, or cron "0 *\/6 * * *"; absent: only `feeds run`
 *     tlp: GREEN                       # TLP of what the feed delivers
 *     classification: c2-server        # default classification.type
 *     defaults: { malware.name: examplebot }   # fill what records lack
 *     overrides: {}                    # replace what records say
 *     keep_raw: false
 *     keep_events: false               # keep every event record (default: fold into observations)
 *     timeout: 30s                     # URL: connect and idle timeout
 *     max_bytes: 100MB                 # URL: largest body accepted
 *     retries: 2                       # URL: tries after the first, with exponential back-off
 *     retry_delay: 10s                 # first back-off; doubles per try, jittered, at most 5 min
 *     enabled: true
 * ```
 *
 * A partner's TAXII 2.1 collection is a source too (src/taxii/client/taxii-feed.ts): STIX objects
 * go to the knowledge store, so format, parser, tlp and the event settings do not apply to it.
 *
 * ```yaml
 *   - name: cert-xx-indicators
 *     source: { taxii: { partner: cert-xx, collection: 91a7b528-80eb-42ed-a74d-c6fbd5a26116 } }
 *     schedule: every 1h              # timeout, retries and retry_delay apply too
 * ```
 */
import { isAbsolute, resolve } from 'node:path';
import { checkFieldValue } from '../cli/feed-config.js';
import { at, checkKeys, isPlainObject, type Problems, show } from '../config/problems.js';
import { parseDuration, parseSeconds, parseSize } from '../config/units.js';
import type { RawFields } from '../domain/schema/event.js';
import type { FeedSettings } from '../pipeline/ingest.js';
import { type HostPattern, hostAllowed, normaliseHost } from './allowed-hosts.js';
import { parseSchedule, type Schedule } from './schedule.js';

export type FeedSource =
  | {
      readonly kind: 'files';
      /** As written in the config. */
      readonly pattern: string;
      /** Absolute: relative patterns are read from the config file's folder. */
      readonly resolved: string;
    }
  | { readonly kind: 'url'; readonly url: string; readonly host: string }
  | {
      readonly kind: 'taxii';
      /** The partner (accord partners) whose TAXII server is pulled. */
      readonly partner: string;
      /** Its collection (default: the partner's pull collection). */
      readonly collection?: string;
      /** The local collection (default: the partner's inbox collection here). */
      readonly into?: string;
    };

export interface FeedDefinition {
  readonly name: string;
  readonly provider?: string;
  readonly source: FeedSource;
  readonly format?: string;
  readonly parser: Readonly<Record<string, unknown>>;
  /** Absent: the feed runs only when asked (`accord feeds run`). */
  readonly schedule?: Schedule;
  readonly tlp?: string;
  readonly defaults: RawFields;
  readonly overrides: RawFields;
  readonly keepRaw: boolean;
  readonly keepEvents: boolean;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly enabled: boolean;
}

export const FEED_DEFAULTS = {
  timeoutMs: 30_000,
  maxBytes: 1024 ** 3,
  retries: 2,
  retryDelayMs: 10_000,
} as const;

export const FEED_KEYS = [
  'name',
  'provider',
  'source',
  'format',
  'parser',
  'schedule',
  'tlp',
  'classification',
  'defaults',
  'overrides',
  'keep_raw',
  'keep_events',
  'timeout',
  'max_bytes',
  'retries',
  'retry_delay',
  'enabled',
] as const;

/** What ingest() needs to know about the feed. */
export function feedSettings(f: FeedDefinition): FeedSettings {
  return {
    name: f.name,
    ...(f.provider !== undefined ? { provider: f.provider } : {}),
    ...(f.tlp !== undefined ? { tlp: f.tlp } : {}),
    defaults: f.defaults,
    overrides: f.overrides,
    keepRaw: f.keepRaw,
    keepEvents: f.keepEvents,
  };
}

export interface FeedContext {
  readonly baseDir: string;
  readonly allowedHosts: readonly HostPattern[];
  /** Format names and their option checkers (the parser registry). */
  readonly parsers: ReadonlyArray<{
    readonly name: string;
    parseOptions(raw: Readonly<Record<string, unknown>>): { ok: true } | { ok: false; error: string };
  }>;
}

function fields(v: unknown, path: string, p: Problems): RawFields | undefined {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) {
    p.add(path, 'expected a mapping of field names to values, e.g. { malware.name: emotet }');
    return undefined;
  }
  let good = true;
  for (const [k, x] of Object.entries(v)) {
    const bad = checkFieldValue(k, x);
    if (bad) {
      p.add(at(path, k), bad);
      good = false;
    }
  }
  return good ? (v as RawFields) : undefined;
}

const TAXII_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const PARTNER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function taxiiSource(v: Record<string, unknown>, path: string, p: Problems): FeedSource | undefined {
  if (!checkKeys(v, ['taxii'], path, p)) return undefined;
  const t = v.taxii;
  const tp = at(path, 'taxii');
  if (!isPlainObject(t)) {
    p.add(tp, 'expected { partner: NAME, collection: ID } (collection and into are optional)');
    return undefined;
  }
  const before = p.list.length;
  checkKeys(t, ['partner', 'collection', 'into'], tp, p);
  if (typeof t.partner !== 'string' || !PARTNER.test(t.partner))
    p.add(at(tp, 'partner'), `${show(t.partner)} is not a partner name (lower-case letters, digits, dashes)`);
  for (const k of ['collection', 'into'] as const)
    if (t[k] !== undefined && (typeof t[k] !== 'string' || !TAXII_ID.test(t[k])))
      p.add(at(tp, k), `${show(t[k])} is not a TAXII collection id`);
  if (p.list.length > before) return undefined;
  return {
    kind: 'taxii',
    partner: t.partner as string,
    ...(t.collection !== undefined ? { collection: t.collection as string } : {}),
    ...(t.into !== undefined ? { into: t.into as string } : {}),
  };
}

/** Keys that say how to read events, meaningless for STIX objects from a TAXII source. */
const NOT_FOR_TAXII = [
  'format',
  'parser',
  'tlp',
  'classification',
  'defaults',
  'overrides',
  'keep_raw',
  'keep_events',
  'max_bytes',
] as const;

function source(v: unknown, path: string, ctx: FeedContext, p: Problems): FeedSource | undefined {
  if (isPlainObject(v)) return taxiiSource(v, path, p);
  if (typeof v !== 'string' || v.trim() === '') {
    p.add(
      path,
      'expected a file path, a glob (drops/*.csv), an http(s) URL or { taxii: { partner, collection } }',
    );
    return undefined;
  }
  const s = v.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(s)?.[1]?.toLowerCase();
  if (scheme === undefined)
    return { kind: 'files', pattern: s, resolved: isAbsolute(s) ? s : resolve(ctx.baseDir, s) };
  if (scheme !== 'http' && scheme !== 'https') {
    p.add(path, `${show(s)}: only http and https URLs, file paths and globs can be read`);
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    p.add(path, `${show(s)} is not a valid URL`);
    return undefined;
  }
  const host = normaliseHost(url.hostname);
  if (!hostAllowed(ctx.allowedHosts, host)) {
    p.add(path, `host "${host}" is not in allowed_hosts (list it there to let this feed reach it)`);
    return undefined;
  }
  return { kind: 'url', url: url.href, host };
}

function nonEmpty(v: unknown, path: string, p: Problems): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  p.add(path, 'expected a non-empty string');
  return undefined;
}

/** Validate one feed entry; problems go to `p`, undefined when there were any. */
export function validateFeed(
  raw: unknown,
  path: string,
  ctx: FeedContext,
  p: Problems,
): FeedDefinition | undefined {
  if (!isPlainObject(raw)) {
    p.add(path, 'expected a mapping with at least name and source');
    return undefined;
  }
  const before = p.list.length;
  checkKeys(raw, FEED_KEYS, path, p);
  const name =
    raw.name === undefined
      ? void p.add(at(path, 'name'), 'required')
      : nonEmpty(raw.name, at(path, 'name'), p);
  const src =
    raw.source === undefined
      ? void p.add(at(path, 'source'), 'required (a file path, glob or URL)')
      : source(raw.source, at(path, 'source'), ctx, p);
  const out: { -readonly [K in keyof FeedDefinition]?: FeedDefinition[K] } = {
    parser: {},
    keepRaw: false,
    keepEvents: false,
    enabled: true,
    ...FEED_DEFAULTS,
  };
  if (raw.provider !== undefined) out.provider = nonEmpty(raw.provider, at(path, 'provider'), p);
  if (src?.kind === 'taxii')
    for (const k of NOT_FOR_TAXII)
      if (raw[k] !== undefined)
        p.add(
          at(path, k),
          'does not apply to a TAXII source (STIX objects are stored as they come, with their own markings)',
        );

  if (raw.format !== undefined) {
    const f = raw.format;
    const known = ctx.parsers.map((x) => x.name);
    if (typeof f !== 'string' || !known.includes(f))
      p.add(at(path, 'format'), `${show(f)} is not a known format (expected one of: ${known.join(', ')})`);
    else out.format = f;
  }
  if (raw.parser !== undefined && raw.parser !== null) {
    if (!isPlainObject(raw.parser)) p.add(at(path, 'parser'), 'expected a mapping of parser options');
    else if (raw.format === undefined) {
      if (Object.keys(raw.parser).length > 0)
        p.add(at(path, 'parser'), 'parser options need a format (set format: to the parser they are for)');
    } else if (out.format !== undefined) {
      const parser = ctx.parsers.find((x) => x.name === out.format);
      const r = parser?.parseOptions(raw.parser);
      if (r && !r.ok) p.add(at(path, 'parser'), `${out.format} options: ${r.error}`);
      else out.parser = raw.parser;
    }
  }
  if (raw.schedule !== undefined && raw.schedule !== null) {
    if (typeof raw.schedule !== 'string')
      p.add(
        at(path, 'schedule'),
        `${show(raw.schedule)} is not a schedule (expected e.g. every 1h, 30m, "0 */6 * * *")`,
      );
    else {
      const s = parseSchedule(raw.schedule);
      if (s.ok) out.schedule = s.value;
      else p.add(at(path, 'schedule'), s.error);
    }
  }
  if (raw.tlp !== undefined) {
    const bad =
      typeof raw.tlp === 'string'
        ? checkFieldValue('tlp', raw.tlp)
        : 'expected a TLP label (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)';
    if (bad) p.add(at(path, 'tlp'), bad);
    else out.tlp = raw.tlp as string;
  }
  const defaults = fields(raw.defaults, at(path, 'defaults'), p);
  const overrides = fields(raw.overrides, at(path, 'overrides'), p);
  if (raw.classification !== undefined) {
    const bad =
      typeof raw.classification === 'string'
        ? checkFieldValue('classification.type', raw.classification)
        : 'expected an RSIT classification type, e.g. c2-server, infected-system';
    if (bad) p.add(at(path, 'classification'), bad);
    else if (defaults) defaults['classification.type'] ??= raw.classification as string;
  }
  if (defaults) out.defaults = defaults;
  if (overrides) out.overrides = overrides;
  for (const [key, prop] of [
    ['keep_raw', 'keepRaw'],
    ['keep_events', 'keepEvents'],
    ['enabled', 'enabled'],
  ] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') p.add(at(path, key), `${show(v)} is not true or false`);
    else out[prop] = v;
  }
  if (raw.timeout !== undefined) {
    const r = parseSeconds(raw.timeout);
    if (r.ok) out.timeoutMs = r.value;
    else p.add(at(path, 'timeout'), r.error);
  }
  if (raw.max_bytes !== undefined) {
    const r = parseSize(raw.max_bytes);
    if (r.ok) out.maxBytes = r.value;
    else p.add(at(path, 'max_bytes'), r.error);
  }
  if (raw.retries !== undefined) {
    const r = raw.retries;
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 10)
      p.add(at(path, 'retries'), `${show(r)} is not a number of retries (expected a whole number 0-10)`);
    else out.retries = r;
  }
  if (raw.retry_delay !== undefined) {
    const r =
      typeof raw.retry_delay === 'string' ? parseDuration(raw.retry_delay) : parseSeconds(raw.retry_delay);
    if (r.ok) out.retryDelayMs = r.value;
    else p.add(at(path, 'retry_delay'), r.error);
  }
  if (p.list.length > before || name === undefined || src === undefined) return undefined;
  out.name = name;
  out.source = src;
  return out as FeedDefinition;
}
