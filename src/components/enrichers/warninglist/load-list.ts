/**
 * Read one MISP warninglist file (format: draft-dulaunoy-misp-warninglists-format, schema.json of
 * the misp-warninglists repository) into checked, normalised entries.
 *
 * A file that is not a warninglist (not JSON, a required field missing or of the wrong type) is
 * an error naming the file: that list is not loaded, the others are. A bad entry (a CIDR that is
 * not one, a regex JavaScript cannot compile) is a warning naming file and entry: the rest of the
 * list loads.
 */
import { readFile } from 'node:fs/promises';
import { parseCidr, parseIp } from '../../../domain/ip.js';
import { fromPhpRegex, type JsRegex } from './php-regex.js';
import { cidrBounds } from './range-index.js';

export const LIST_TYPES = ['cidr', 'hostname', 'string', 'substring', 'regex'] as const;
export type ListType = (typeof LIST_TYPES)[number];

export type Entries =
  | {
      readonly type: 'cidr';
      readonly v4: readonly { readonly lo: number; readonly hi: number }[];
      readonly v6: readonly { readonly lo: bigint; readonly hi: bigint }[];
    }
  | { readonly type: 'hostname' | 'string' | 'substring'; readonly values: readonly string[] }
  | { readonly type: 'regex'; readonly patterns: readonly JsRegex[] };

export interface WarningList {
  /** Short, stable id (folder or file name) written into events. */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly type: ListType;
  /** MISP attribute types the list applies to; undefined when the file does not say. */
  readonly matchingAttributes: readonly string[] | undefined;
  readonly file: string;
  readonly entries: Entries;
  /** Entries loaded (after skipping bad ones). */
  readonly size: number;
}

export type LoadResult =
  | { readonly ok: true; readonly list: WarningList; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly error: string };

const MAX_SHOWN_BAD_ENTRIES = 20;
const quote = (s: string) => JSON.stringify(s.length > 100 ? `${s.slice(0, 97)}...` : s);

/** Host names as MISP compares them: lower case, no leading "." or "*.", no trailing ".". */
export function normaliseHost(s: string): string {
  let h = s.trim().toLowerCase();
  if (h.startsWith('*.')) h = h.slice(2);
  while (h.startsWith('.')) h = h.slice(1);
  while (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Check the parsed JSON and normalise its entries. `file` is used in messages only. */
export function readList(json: unknown, file: string, id: string): LoadResult {
  const bad = (what: string): LoadResult => ({ ok: false, error: `${file}: ${what}; list not loaded` });
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return bad('not a warninglist (expected a JSON object with name, description, version, type, list)');
  const o = json as Record<string, unknown>;
  const missing = ['name', 'description', 'version', 'type', 'list'].filter((k) => o[k] === undefined);
  if (missing.length > 0) return bad(`required field(s) missing: ${missing.join(', ')}`);
  if (typeof o.name !== 'string' || o.name.trim() === '') return bad('"name" must be a non-empty string');
  if (typeof o.description !== 'string') return bad('"description" must be a string');
  if (typeof o.version !== 'number' || !Number.isInteger(o.version))
    return bad('"version" must be an integer');
  if (typeof o.type !== 'string' || !(LIST_TYPES as readonly string[]).includes(o.type))
    return bad(`"type" is ${JSON.stringify(o.type)}; expected one of ${LIST_TYPES.join(', ')}`);
  if (!Array.isArray(o.list)) return bad('"list" must be an array of strings');
  const ma = o.matching_attributes;
  if (ma !== undefined && (!Array.isArray(ma) || ma.some((x) => typeof x !== 'string')))
    return bad('"matching_attributes" must be an array of strings');
  const type = o.type as ListType;

  const warnings: string[] = [];
  let badCount = 0;
  const skip = (i: number, entry: unknown, why: string) => {
    if (++badCount <= MAX_SHOWN_BAD_ENTRIES)
      warnings.push(
        `${file}: entry ${i + 1} ${typeof entry === 'string' ? quote(entry) : JSON.stringify(entry)}: ${why}; entry skipped`,
      );
  };

  let entries: Entries;
  let size = 0;
  if (type === 'cidr') {
    const v4: { lo: number; hi: number }[] = [];
    const v6: { lo: bigint; hi: bigint }[] = [];
    for (const [i, e] of (o.list as unknown[]).entries()) {
      if (typeof e !== 'string') {
        skip(i, e, 'not a string');
        continue;
      }
      const c = parseCidr(e.trim());
      if (typeof c === 'string') {
        skip(i, e, c);
        continue;
      }
      const b = cidrBounds(c.text);
      if (!b) {
        skip(i, e, 'not a network');
        continue;
      }
      if (b.version === 4) v4.push({ lo: b.lo, hi: b.hi });
      else v6.push({ lo: b.lo, hi: b.hi });
      size++;
    }
    entries = { type, v4, v6 };
  } else if (type === 'regex') {
    const patterns: JsRegex[] = [];
    for (const [i, e] of (o.list as unknown[]).entries()) {
      if (typeof e !== 'string' || e === '') {
        skip(i, e, 'not a non-empty string');
        continue;
      }
      const r = fromPhpRegex(e);
      if (typeof r === 'string') {
        skip(i, e, r);
        continue;
      }
      patterns.push(r);
      size++;
    }
    entries = { type, patterns };
  } else {
    const values: string[] = [];
    for (const [i, e] of (o.list as unknown[]).entries()) {
      if (typeof e !== 'string') {
        skip(i, e, 'not a string');
        continue;
      }
      // IPs in string lists are compared in the canonical form events carry (RFC 5952 for IPv6).
      const t = e.trim();
      const v =
        type === 'hostname'
          ? normaliseHost(t)
          : type === 'string'
            ? (parseIp(t)?.text ?? t.toLowerCase())
            : t.toLowerCase();
      if (v === '') {
        skip(i, e, 'empty');
        continue;
      }
      values.push(v);
      size++;
    }
    entries = { type, values };
  }
  if (badCount > MAX_SHOWN_BAD_ENTRIES)
    warnings.push(`${file}: ${badCount - MAX_SHOWN_BAD_ENTRIES} more bad entries skipped`);
  if (size === 0 && o.list.length > 0) return bad('no entry of the list could be read');
  return {
    ok: true,
    list: {
      id,
      name: o.name.trim(),
      description: o.description,
      version: o.version,
      type,
      matchingAttributes: ma as string[] | undefined,
      file,
      entries,
      size,
    },
    warnings,
  };
}

export async function loadListFile(file: string, id: string): Promise<LoadResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, error: `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return { ok: false, error: `${file}: not valid JSON (${(e as Error).message}); list not loaded` };
  }
  return readList(json, file, id);
}
