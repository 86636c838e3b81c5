/**
 * A column plan: what to do with each column of one Shadowserver report, compiled once from the
 * header, then applied to every row with plain assignments (the hot path: no lookups by name, no
 * closures, no regular expressions for the common conversions).
 *
 * Conversions carry IntelMQ's names where they mean the same thing, so a mapping from
 * Shadowserver's published schema and Accord's own table compile to the same steps.
 */

import { parseCidr, parseIp } from '../../../domain/ip.js';
import type { RawFields } from '../../../domain/schema/event.js';
import { normaliseFqdn } from '../../../domain/schema/field-types.js';
import { isFieldName } from '../../../domain/schema/fields.js';
import { formatTimestamp, parseTimestampMs } from '../../../domain/time.js';

/** How a column's text becomes a field value. */
export type Conversion =
  /** as is (empty values are dropped by the schema anyway) */
  | 'text'
  /** lower case (malware names, protocols) */
  | 'lower'
  /** IntelMQ validate_to_none: "0" and "unknown" mean no value */
  | 'none'
  /** IntelMQ invalidate_zero: "0" means no value; numbers become numbers */
  | 'nonzero'
  /** IntelMQ convert_int: a whole number, or the row is rejected */
  | 'int'
  /** IntelMQ convert_float */
  | 'float'
  /** IntelMQ convert_bool: yes/true/1/enabled and no/false/0/disabled; anything else dropped */
  | 'bool'
  /** IntelMQ set_tor_node: any value means true */
  | 'tor'
  /** IntelMQ validate_ip: a value that is not an IP address (or is 0.0.0.0) goes to extra.<column> */
  | 'ip'
  /** IntelMQ validate_network: a CIDR, else extra.<column> */
  | 'network'
  /** IntelMQ validate_fqdn: a domain name, else (an IP, garbage) extra.<column> */
  | 'fqdn'
  /** IntelMQ convert_date / convert_date_utc: a timestamp, normalised; unreadable text kept as is */
  | 'date'
  /** IntelMQ force_base64: base64 kept, anything else encoded */
  | 'base64'
  /** IntelMQ extract_cve_from_tag: the CVE ids in a tag list, upper case, comma separated */
  | 'cve'
  /**
   * IntelMQ convert_http_host_and_url: host column + path column (+ application) -> URL; with no
   * host the path goes to <endpoint>.urlpath
   */
  | 'host-url'
  /** IntelMQ scan_exchange_*: classification from the scan_exchange tag */
  | 'exchange-type'
  | 'exchange-identifier'
  /**
   * a country code; GeoIP's "unknown" markers ("**", "-") go to extra.<column>. Applied to every
   * *.geolocation.cc target without a conversion of its own.
   */
  | 'cc';

/** One mapping of a column to a field. */
export interface ColumnMapping {
  /** Target: a schema field or "extra.<name>". */
  readonly to: string;
  readonly conv?: Conversion;
  /** Only fill the field when an earlier column left it empty (a fallback column). */
  readonly fallback?: boolean;
  /** The row is rejected when this column is empty (the report is meaningless without it). */
  readonly required?: boolean;
}

// Conversion codes for the row loop (a switch on small integers).
const C = {
  text: 0,
  lower: 1,
  none: 2,
  nonzero: 3,
  int: 4,
  float: 5,
  bool: 6,
  tor: 7,
  ip: 8,
  network: 9,
  fqdn: 10,
  date: 11,
  base64: 12,
  cve: 13,
  'host-url': 14,
  'exchange-type': 15,
  'exchange-identifier': 16,
  cc: 17,
} as const satisfies Record<Conversion, number>;

export interface Step {
  readonly idx: number;
  readonly column: string;
  readonly key: string;
  readonly code: number;
  readonly fallback: boolean;
  readonly required: boolean;
  /** malware.name is lower case by schema. */
  readonly lower: boolean;
  /** host-url: host column, application column (-1 when absent), urlpath key. */
  readonly hostIdx: number;
  readonly appIdx: number;
  readonly pathKey: string;
}

export interface Plan {
  readonly report: string;
  readonly columns: number;
  /**
   * The constants plus every key a row may set (null until set; the schema drops empty values). Each row starts as a copy of
   * it, so its fields are stores into existing properties of one shape: V8 handles those in its
   * inline caches, where adding ~30 new keys per row would fall back to the runtime (measured 5x).
   */
  readonly template: Readonly<RawFields>;
  readonly steps: readonly Step[];
}

/**
 * Where a mapping target lands: a schema field as is; "extra.x" as is; an IntelMQ field Accord's
 * schema lacks (severity, product.vendor, os.name ...) as "extra.<that name>", so nothing is lost.
 */
export function targetKey(to: string): string {
  if (to.startsWith('extra.') || isFieldName(to)) return to;
  return `extra.${to}`;
}

/** Compile the steps for one header. Mapped columns go where the mapping says, the rest to extra. */
export function compilePlan(
  report: string,
  header: readonly string[],
  map: ReadonlyMap<string, readonly ColumnMapping[]>,
  constants: Readonly<RawFields>,
): Plan {
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (!index.has(h)) index.set(h, i);
  });
  const primary: Step[] = [];
  const fallbacks: Step[] = [];
  header.forEach((column, idx) => {
    const mappings = map.get(column);
    if (!mappings || mappings.length === 0) {
      primary.push(step(idx, column, `extra.${column}`, 'text', false, false, index));
      return;
    }
    for (const m of mappings) {
      const s = step(
        idx,
        column,
        targetKey(m.to),
        m.conv ?? 'text',
        m.fallback ?? false,
        m.required ?? false,
        index,
      );
      (s.fallback ? fallbacks : primary).push(s);
    }
  });
  const steps = [...primary, ...fallbacks];
  const keys: RawFields = { ...constants };
  for (const st of steps) {
    keys[st.key] ??= null;
    if ((st.code >= C.ip && st.code <= C.fqdn) || st.code === C.cc) keys[`extra.${st.column}`] ??= null;
    if (st.pathKey !== '') keys[st.pathKey] ??= null;
  }
  // Through JSON so V8 builds it as a fast-mode object (one shape), which copies fast; an object
  // grown key by key past a dozen properties is kept as a slow dictionary.
  const template = JSON.parse(JSON.stringify(keys)) as RawFields;
  return { report, columns: header.length, template, steps };
}

function step(
  idx: number,
  column: string,
  key: string,
  conv: Conversion,
  fallback: boolean,
  required: boolean,
  index: ReadonlyMap<string, number>,
): Step {
  // Soft checks on endpoint names the mapping did not ask for: a bad country code or host name
  // in an optional column keeps the row (the value goes to extra.<column>) instead of losing it.
  if (conv === 'text' && key.endsWith('.geolocation.cc')) conv = 'cc';
  if ((conv === 'text' || conv === 'none') && (key.endsWith('.reverse_dns') || key.endsWith('.fqdn')))
    conv = 'fqdn';
  let hostIdx = -1;
  let appIdx = -1;
  let pathKey = '';
  if (conv === 'host-url') {
    // The host column differs per report (IntelMQ's rule): cc_dns, else http_host.
    hostIdx = index.get('cc_dns') ?? index.get('http_host') ?? -1;
    appIdx = index.get('application') ?? -1;
    const dot = key.lastIndexOf('.');
    pathKey = dot > 0 && !key.startsWith('extra.') ? `${key.slice(0, dot)}.urlpath` : `extra.${column}`;
  }
  return {
    idx,
    column,
    key,
    code: C[conv],
    fallback,
    required,
    lower: key === 'malware.name',
    hostIdx,
    appIdx,
    pathKey,
  };
}

const TRUE = new Set(['y', 'yes', 'true', 'enabled', '1']);
const FALSE = new Set(['n', 'no', 'false', 'disabled', '0']);
const CVE = /cve-\d{4}-\d{4,}/gi;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Apply a plan to one row. Returns the raw fields, or a reason the row cannot be read.
 * `fields` has exactly plan.columns entries (the tokenizer checks the count).
 */
export function applyPlan(plan: Plan, fields: readonly string[]): RawFields | string {
  const out: RawFields = { ...plan.template };
  const steps = plan.steps;
  for (let s = 0; s < steps.length; s++) {
    const st = steps[s] as Step;
    const v = fields[st.idx] as string;
    if (v === '') {
      if (st.required) return `column "${st.column}" is empty; the report requires it`;
      continue;
    }
    if (st.fallback && out[st.key] != null) continue;
    let value: unknown;
    switch (st.code) {
      case 0:
        value = v;
        break;
      case 1:
        value = v.toLowerCase();
        break;
      case 2:
        if (v === '0' || v === 'unknown') continue;
        value = v;
        break;
      case 3: {
        if (v === '0') continue;
        const n = Number(v);
        if (n === 0) continue;
        value = Number.isSafeInteger(n) ? n : v;
        break;
      }
      case 4: {
        const n = Number(v);
        if (!Number.isSafeInteger(n) || v.trim() === '')
          return `column "${st.column}": "${short(v)}" is not a whole number`;
        value = n;
        break;
      }
      case 5: {
        const n = Number(v);
        if (!Number.isFinite(n) || v.trim() === '')
          return `column "${st.column}": "${short(v)}" is not a number`;
        value = n;
        break;
      }
      case 6: {
        const l = v.trim().toLowerCase();
        if (TRUE.has(l)) value = true;
        else if (FALSE.has(l)) value = false;
        else continue;
        break;
      }
      case 7:
        value = true;
        break;
      case 8:
        if (v === '0.0.0.0' || v.indexOf('/') >= 0 || !parseIp(v.trim())) {
          out[`extra.${st.column}`] = v;
          continue;
        }
        value = v;
        break;
      case 9:
        if (v.indexOf('/') < 0 || typeof parseCidr(v.trim()) === 'string') {
          out[`extra.${st.column}`] = v;
          continue;
        }
        value = v;
        break;
      case 10:
        if (typeof normaliseFqdn(v) === 'string') {
          out[`extra.${st.column}`] = v;
          continue;
        }
        value = v;
        break;
      case 11: {
        const ms = parseTimestampMs(v);
        value = typeof ms === 'number' && !Number.isNaN(ms) ? formatTimestamp(ms) : v;
        break;
      }
      case 12:
        value = BASE64.test(v) ? v : Buffer.from(v, 'utf8').toString('base64');
        break;
      case 13: {
        const ids = v.match(CVE);
        if (!ids) continue;
        value = [...new Set(ids.map((x) => x.toUpperCase()))].join(',');
        break;
      }
      case 14: {
        const host = st.hostIdx >= 0 ? (fields[st.hostIdx] as string).trim() : '';
        if (host === '' || (typeof normaliseFqdn(host) === 'string' && !parseIp(host))) {
          out[st.pathKey] = v;
          continue;
        }
        // url may hold the path only or a whole request line ("GET /x HTTP/1.1").
        let p = v.trim();
        const slash = p.indexOf('/');
        p = slash < 0 ? '' : p.slice(slash);
        const sp = p.search(/\s/);
        if (sp >= 0) p = p.slice(0, sp);
        const app = st.appIdx >= 0 ? (fields[st.appIdx] as string).toLowerCase() : '';
        value = `${app === 'https' ? 'https' : 'http'}://${host}${p}`;
        break;
      }
      case 15:
        value = v === 'exchange;webshell' ? 'system-compromise' : 'vulnerable-system';
        break;
      case 16:
        value = v === 'exchange;webshell' ? 'exchange-server-webshell' : 'vulnerable-exchange-server';
        break;
      case 17: {
        const a = v.charCodeAt(0) | 32;
        const b = v.charCodeAt(1) | 32;
        if (v.length !== 2 || a < 97 || a > 122 || b < 97 || b > 122) {
          out[`extra.${st.column}`] = v;
          continue;
        }
        value = v;
        break;
      }
      default:
        value = v;
    }
    if (st.lower && typeof value === 'string') value = value.toLowerCase();
    out[st.key] = value;
  }
  return out;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
