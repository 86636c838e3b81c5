/**
 * Shadowserver's published report schema in IntelMQ form (the file IntelMQ downloads from
 * https://interchange.shadowserver.org/intelmq/v1/schema), read at run time so an operator can parse
 * any of its ~170 report types without Accord shipping a copy.
 *
 * Each report: { file_name, feed_name, constant_fields, required_fields, optional_fields } where a
 * field entry is [intelmq_field, column, conversion?, with_row?]. "extra." as the field means
 * extra.<column>. Conversion names are IntelMQ's; the ones Accord implements are in CONVERSIONS,
 * and a report naming another one cannot be used (the reason names the conversion).
 */
import { readFileSync, statSync } from 'node:fs';
import type { RawFields } from '../../../domain/schema/event.js';
import { taxonomyOf } from '../../../domain/taxonomy.js';
import { type ColumnMapping, type Conversion, targetKey } from './plan.js';

/** IntelMQ conversion name -> Accord conversion. */
export const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  add_UTC_to_timestamp: 'text', // "YYYY-MM-DD HH:MM:SS" is read as UTC by the schema's timestamp type
  convert_date: 'date',
  convert_date_utc: 'date',
  validate_to_none: 'none',
  invalidate_zero: 'nonzero',
  convert_int: 'int',
  convert_float: 'float',
  convert_bool: 'bool',
  set_tor_node: 'tor',
  validate_ip: 'ip',
  validate_network: 'network',
  validate_fqdn: 'fqdn',
  force_base64: 'base64',
  extract_cve_from_tag: 'cve',
  convert_http_host_and_url: 'host-url',
  category_or_detail: 'text', // compiled as category, then detail as a fallback column
  scan_exchange_type: 'exchange-type',
  scan_exchange_identifier: 'exchange-identifier',
  scan_exchange_taxonomy: 'text', // dropped: the taxonomy is derived from the type
};

export interface SchemaReport {
  /** The schema's key, e.g. "event_sinkhole". */
  readonly key: string;
  /** Shadowserver's file name of the report, e.g. "event4_sinkhole". */
  readonly fileName: string;
  readonly feedName: string;
  readonly url?: string;
  readonly constants: Readonly<RawFields>;
  /** column -> mappings */
  readonly map: ReadonlyMap<string, readonly ColumnMapping[]>;
  /** Columns the report must have. */
  readonly requiredColumns: readonly string[];
  /** Every column the report maps. */
  readonly knownColumns: ReadonlySet<string>;
}

/** A report compiled, or why it cannot be used. */
export type CompiledReport =
  | { ok: true; report: SchemaReport }
  | {
      ok: false;
      error: string /** so the report can still be found by file name, to say why it fails */;
      fileName: string;
    };

export interface LoadedSchema {
  readonly path: string;
  readonly reports: ReadonlyMap<string, CompiledReport>;
}

const cache = new Map<string, { mtimeMs: number; schema: LoadedSchema }>();

/** Read and compile the schema file (cached by path and modification time). */
export function loadSchema(path: string): { ok: true; value: LoadedSchema } | { ok: false; error: string } {
  let mtimeMs: number;
  let text: string;
  try {
    mtimeMs = statSync(path).mtimeMs;
    const hit = cache.get(path);
    if (hit && hit.mtimeMs === mtimeMs) return { ok: true, value: hit.schema };
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { ok: false, error: `cannot read ${path}: ${(e as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `${path} is not JSON: ${(e as Error).message}` };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return { ok: false, error: `${path}: expected an object of report types` };
  const reports = new Map<string, CompiledReport>();
  for (const [key, v] of Object.entries(json as Record<string, unknown>)) {
    if (key.startsWith('_')) continue; // _meta
    reports.set(key, compileReport(key, v));
  }
  if (reports.size === 0) return { ok: false, error: `${path}: no report types found` };
  const schema: LoadedSchema = { path, reports };
  cache.set(path, { mtimeMs, schema });
  return { ok: true, value: schema };
}

/** Compile one report entry of the schema. */
export function compileReport(key: string, v: unknown): CompiledReport {
  const r = compileEntry(key, v);
  if (r.ok) return r;
  const fn = (v as { file_name?: unknown } | null)?.file_name;
  return { ok: false, error: r.error, fileName: typeof fn === 'string' ? fn : key };
}

function compileEntry(
  key: string,
  v: unknown,
): { ok: true; report: SchemaReport } | { ok: false; error: string } {
  const where = `report "${key}"`;
  if (v === null || typeof v !== 'object') return { ok: false, error: `${where}: not an object` };
  const r = v as Record<string, unknown>;
  const fileName = typeof r.file_name === 'string' ? r.file_name : key;
  const feedName = typeof r.feed_name === 'string' ? r.feed_name : key;
  const constants: RawFields = { 'feed.provider': 'Shadowserver', 'feed.code': fileName };
  const cf = r.constant_fields ?? {};
  if (typeof cf !== 'object' || cf === null)
    return { ok: false, error: `${where}: constant_fields is not an object` };
  for (const [f, value] of Object.entries(cf as Record<string, unknown>)) {
    if (f === 'classification.taxonomy') continue; // derived from the type (RSIT)
    if (f === 'classification.type' && typeof value === 'string' && taxonomyOf(value) === undefined) {
      // An older IntelMQ type with no RSIT equivalent (e.g. "blacklist"): keep it, classify as other.
      constants['classification.type'] = 'other';
      constants['extra.shadowserver_classification_type'] = value;
      continue;
    }
    constants[targetKey(f)] = value;
  }
  const map = new Map<string, ColumnMapping[]>();
  const requiredColumns: string[] = [];
  const add = (column: string, m: ColumnMapping) => {
    const list = map.get(column);
    if (list) list.push(m);
    else map.set(column, [m]);
  };
  for (const kind of ['required_fields', 'optional_fields'] as const) {
    const list = r[kind] ?? [];
    if (!Array.isArray(list)) return { ok: false, error: `${where}: ${kind} is not a list` };
    for (const entry of list) {
      if (!Array.isArray(entry) || entry.length < 2 || typeof entry[1] !== 'string')
        return {
          ok: false,
          error: `${where}: ${kind} entry ${JSON.stringify(entry)} is not [field, column, ...]`,
        };
      const [field, column, convName] = entry as [unknown, string, unknown];
      if (field === false) continue; // IntelMQ: column ignored
      if (typeof field !== 'string')
        return { ok: false, error: `${where}: field of column "${column}" is not text` };
      let conv: Conversion = 'text';
      if (convName !== undefined && convName !== null) {
        if (typeof convName !== 'string' || !Object.hasOwn(CONVERSIONS, convName))
          return {
            ok: false,
            error: `${where} uses conversion "${String(convName)}" (column "${column}"), which Accord does not implement`,
          };
        conv = CONVERSIONS[convName] as Conversion;
        if (convName === 'scan_exchange_taxonomy') continue;
      }
      const to = field === 'extra.' ? `extra.${column}` : field;
      const required = kind === 'required_fields' && (to === 'time.source' || to.endsWith('.ip'));
      add(column, { to, conv, ...(required ? { required } : {}) });
      if (convName === 'category_or_detail') add('detail', { to, fallback: true });
      if (kind === 'required_fields') requiredColumns.push(column);
    }
  }
  const knownColumns = new Set(map.keys());
  return {
    ok: true,
    report: {
      key,
      fileName,
      feedName,
      ...(typeof r.url === 'string' ? { url: r.url } : {}),
      constants,
      map,
      requiredColumns,
      knownColumns,
    },
  };
}

/**
 * Choose the schema report for a header: by file name first (Shadowserver names files
 * "<date>-<file_name>-<...>.csv"; the longest file_name found wins), else by the header: every
 * required column present, the largest share of the header's columns known to the report.
 */
export function chooseSchemaReport(
  schema: LoadedSchema,
  header: readonly string[],
  sourceName: string,
): CompiledReport | undefined {
  const base = sourceName.split(/[\\/]/).pop() ?? sourceName;
  let byName: CompiledReport | undefined;
  let byNameLen = 0;
  for (const c of schema.reports.values()) {
    const fn = c.ok ? c.report.fileName : c.fileName;
    if (fn.length > byNameLen && base.includes(fn)) {
      byName = c;
      byNameLen = fn.length;
    }
  }
  if (byName) return byName;
  const cols = new Set(header);
  let best: CompiledReport | undefined;
  let bestScore = 0;
  for (const c of schema.reports.values()) {
    if (!c.ok) continue;
    if (!c.report.requiredColumns.every((x) => cols.has(x))) continue;
    let known = 0;
    for (const h of header) if (c.report.knownColumns.has(h)) known++;
    // Columns of the report that the header lacks count against it, so the closest layout wins.
    let missing = 0;
    for (const k of c.report.knownColumns) if (!cols.has(k)) missing++;
    const score = known / header.length - missing / (4 * c.report.knownColumns.size);
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return bestScore >= 0.5 ? best : undefined;
}
