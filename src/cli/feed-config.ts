/**
 * Feed configuration files (`accord ingest --config FILE`, and the `<file>.feed.json` sidecars of
 * the samples): YAML or JSON, checked up front so a typo fails the command with a message naming
 * the file and the path of the bad key, instead of quarantining every record of the run.
 *
 * ```yaml
 * format: intelmq-jsonl          # optional: detected from the content when absent
 * parser: { keep_intelmq_raw: true }   # the parser's own options
 * feed:
 *   name: example-c2
 *   provider: Example CERT
 *   defaults: { classification.type: c2-server, malware.name: emotet }   # fill what records lack
 *   overrides: {}                 # replace what records say
 *   tlp: AMBER
 *   keepRaw: false
 *   keepEvents: false
 * ```
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { err, ok, type Result } from '../domain/result.js';
import type { RawFields } from '../domain/schema/event.js';
import { FIELD_TYPES } from '../domain/schema/field-types.js';
import { FIELDS, isFieldName } from '../domain/schema/fields.js';
import { defaultBounds } from '../domain/time.js';
import type { FeedSettings } from '../pipeline/ingest.js';

export interface FeedConfig {
  /** Format name (see `accord ingest --help`); detected from the content when absent. */
  readonly format?: string;
  /** Options of the parser, checked by the parser itself. */
  readonly parser?: Readonly<Record<string, unknown>>;
  readonly feed?: FeedSettings;
}

const TOP_KEYS = ['format', 'parser', 'feed'] as const;
const FEED_KEYS = ['name', 'provider', 'defaults', 'overrides', 'tlp', 'keepRaw', 'keepEvents'] as const;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A path segment as a person would write it: `feed.defaults["classification.type"]`. */
function seg(path: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? path
      ? `${path}.${key}`
      : key
    : `${path}[${JSON.stringify(key)}]`;
}

/** Check one field=value pair against the schema (name, and value by the field's type). */
export function checkFieldValue(name: string, value: unknown): string | undefined {
  if (name.startsWith('extra.')) return name.length > 6 ? undefined : 'empty extra field name';
  if (!isFieldName(name)) return `unknown field "${name}" (see docs/fields.md; use extra.<name> for others)`;
  if (value === null || (typeof value === 'object' && name !== 'extra'))
    return 'expected a string, number or boolean';
  const def = FIELDS[name];
  const r = FIELD_TYPES[def.type].normalise(value, def.constraints ?? {}, {
    time: defaultBounds(Date.now()),
  });
  return typeof r === 'string' ? r : undefined;
}

function checkFields(v: unknown, path: string): Result<RawFields> {
  if (!isPlainObject(v)) return err(`${path}: expected a mapping of field names to values`);
  for (const [k, x] of Object.entries(v)) {
    const bad = checkFieldValue(k, x);
    if (bad) return err(`${seg(path, k)}: ${bad}`);
  }
  return ok(v);
}

/** Validate a parsed config document. `where` (the file name) starts every message. */
export function validateFeedConfig(doc: unknown, where: string): Result<FeedConfig> {
  const fail = (msg: string) => err(`${where}: ${msg}`);
  if (doc === null || doc === undefined) return ok({});
  if (!isPlainObject(doc)) return fail('expected a mapping with keys format, parser, feed');
  for (const k of Object.keys(doc))
    if (!(TOP_KEYS as readonly string[]).includes(k))
      return fail(`${seg('', k)}: unknown key (expected one of: ${TOP_KEYS.join(', ')})`);
  const out: { format?: string; parser?: Record<string, unknown>; feed?: FeedSettings } = {};
  if (doc.format !== undefined) {
    if (typeof doc.format !== 'string' || doc.format === '') return fail('format: expected a format name');
    out.format = doc.format;
  }
  if (doc.parser !== undefined && doc.parser !== null) {
    if (!isPlainObject(doc.parser)) return fail('parser: expected a mapping of parser options');
    out.parser = doc.parser;
  }
  if (doc.feed !== undefined && doc.feed !== null) {
    const f = doc.feed;
    if (!isPlainObject(f)) return fail(`feed: expected a mapping with keys ${FEED_KEYS.join(', ')}`);
    const feed: { -readonly [K in keyof FeedSettings]: FeedSettings[K] } = {};
    for (const [k, v] of Object.entries(f)) {
      const path = seg('feed', k);
      switch (k) {
        case 'name':
        case 'provider':
        case 'tlp': {
          if (typeof v !== 'string' || v.trim() === '') return fail(`${path}: expected a non-empty string`);
          if (k === 'tlp') {
            const bad = checkFieldValue('tlp', v);
            if (bad) return fail(`${path}: ${bad}`);
          }
          feed[k] = v;
          break;
        }
        case 'defaults':
        case 'overrides': {
          const r = checkFields(v, path);
          if (!r.ok) return fail(r.error);
          feed[k] = r.value;
          break;
        }
        case 'keepRaw':
        case 'keepEvents':
          if (typeof v !== 'boolean') return fail(`${path}: expected true or false`);
          feed[k] = v;
          break;
        default:
          return fail(`${path}: unknown key (expected one of: ${FEED_KEYS.join(', ')})`);
      }
    }
    out.feed = feed;
  }
  return ok(out);
}

/** Read and validate a config file (YAML, or JSON by its .json extension). */
export async function loadFeedConfig(path: string): Promise<Result<FeedConfig>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err(`cannot read config ${path}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    if (extname(path).toLowerCase() === '.json') doc = JSON.parse(text);
    else {
      const { parse } = await import('yaml');
      doc = parse(text);
    }
  } catch (e) {
    return err(
      `${path}: not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
    );
  }
  return validateFeedConfig(doc, path);
}

/**
 * `--set field=value` pairs as feed defaults. The value is text; the schema converts it
 * (e.g. `source.port=443`). Returns a message naming the pair at fault.
 */
export function parseSetPairs(pairs: readonly string[]): Result<RawFields> {
  const out: RawFields = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) return err(`--set ${p}: expected field=value, e.g. classification.type=c2-server`);
    const name = p.slice(0, eq).trim();
    const value = p.slice(eq + 1).trim();
    const bad = checkFieldValue(name, value);
    if (bad) return err(`--set ${p}: ${bad}`);
    out[name] = value;
  }
  return ok(out);
}
