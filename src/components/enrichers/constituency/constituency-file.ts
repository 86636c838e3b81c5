/**
 * Reads the operator's constituency file (YAML, or CSV with one organisation per row) and checks
 * every entry. A bad value is reported with file, line and the entry's path
 * (`orgs[3].cidrs[1]: "10.0.0.0/33" is not a CIDR: ...`) and left out; the rest of the entry and the
 * other entries still load. Only an unreadable or unparseable file loads nothing.
 *
 * YAML:
 *   national_countries: [XX]          # optional: national mode
 *   orgs:
 *     - id: example-isp               # required, lower case [a-z0-9._-]
 *       name: Example ISP             # required
 *       sector: telecommunications
 *       cidrs: [192.0.2.0/24, 2001:db8::/32]
 *       asns: [64496]                 # or "AS64496"
 *       domains: [example.com]
 *       abuse: [abuse@example.com]
 *       language: en
 *       format: csv
 *
 * CSV: a header naming the columns (id,name,sector,cidrs,asns,domains,abuse,language,format, any
 * order, only id and name required); list cells hold several values separated by spaces or `;`.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { parseCidr, parseIp } from '../../../domain/ip.js';
import { normaliseFqdn } from '../../../domain/schema/field-types.js';
import { type ConstituencyDecl, type ConstituencyOrg, ORG_ID } from './org.js';

export interface DeclLoad {
  readonly decl: ConstituencyDecl;
  readonly warnings: readonly string[];
}

const ORG_KEYS = ['id', 'name', 'sector', 'cidrs', 'asns', 'domains', 'abuse', 'language', 'format'] as const;
const LIST_KEYS = new Set(['cidrs', 'asns', 'domains', 'abuse']);
const COUNTRY = /^[A-Z]{2}$/;
const EMAIL = /^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const FORMAT = /^[a-z0-9][a-z0-9+._-]{0,31}$/;

/** Where an entry sits, for messages: returns "file:line: " or "file: ". */
type Locate = (path: readonly (string | number)[]) => string;

function pathText(path: readonly (string | number)[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const show = (v: unknown) => (typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v)));

/** Check one organisation given as a plain object; bad values become warnings and are left out. */
function checkOrg(
  raw: unknown,
  at: readonly (string | number)[],
  locate: Locate,
  warn: (m: string) => void,
): ConstituencyOrg | undefined {
  const bad = (path: readonly (string | number)[], what: string) =>
    warn(`${locate(path)}${pathText(path)}: ${what}`);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    bad(at, 'expected an organisation (a mapping with id, name, cidrs, ...); entry skipped');
    return undefined;
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!(ORG_KEYS as readonly string[]).includes(k))
      bad([...at, k], `unknown key (expected one of ${ORG_KEYS.join(', ')}); ignored`);

  const id = typeof o.id === 'string' ? o.id.trim() : typeof o.id === 'number' ? String(o.id) : undefined;
  if (id === undefined || !ORG_ID.test(id) || id.length > 128) {
    bad(
      [...at, 'id'],
      id === undefined
        ? 'missing; entry skipped'
        : `${show(o.id)} is not an id (lower case letters, digits, ".", "_", "-"); entry skipped`,
    );
    return undefined;
  }
  const name = typeof o.name === 'string' && o.name.trim() !== '' ? o.name.trim() : undefined;
  if (name === undefined)
    bad(
      [...at, 'name'],
      o.name === undefined ? 'missing; the id is used' : `${show(o.name)} is not a name; the id is used`,
    );

  const text = (k: 'sector' | 'language' | 'format', re?: RegExp, what?: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string' || (re && !re.test(v.trim()))) {
      bad([...at, k], `${show(v)} is not ${what ?? 'text'}; ignored`);
      return undefined;
    }
    return v.trim();
  };

  const list = (k: string): readonly unknown[] => {
    const v = o[k];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    if (typeof v === 'string' || typeof v === 'number') return [v];
    bad([...at, k], `expected a list; ignored`);
    return [];
  };

  const cidrs: string[] = [];
  for (const [i, v] of list('cidrs').entries()) {
    const p = [...at, 'cidrs', i];
    if (typeof v !== 'string') {
      bad(p, `${show(v)} is not a CIDR; ignored`);
      continue;
    }
    const r = parseCidr(v.trim());
    if (typeof r === 'string') {
      bad(p, `${show(v)} is not a CIDR (${r}); ignored`);
      continue;
    }
    const [addr] = v.trim().split('/');
    const exact = parseIp(addr ?? '');
    if (exact && exact.text !== r.text.split('/')[0])
      bad(p, `${show(v)} has host bits set; read as ${r.text}`);
    cidrs.push(r.text);
  }

  const asns: number[] = [];
  for (const [i, v] of list('asns').entries()) {
    const t = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim().replace(/^AS/i, '') : '';
    const n = /^\d{1,10}$/.test(t) ? Number(t) : Number.NaN;
    if (!(n >= 1 && n <= 4294967295)) {
      bad([...at, 'asns', i], `${show(v)} is not an AS number; ignored`);
      continue;
    }
    asns.push(n);
  }

  const domains: string[] = [];
  for (const [i, v] of list('domains').entries()) {
    const p = [...at, 'domains', i];
    if (typeof v !== 'string') {
      bad(p, `${show(v)} is not a domain; ignored`);
      continue;
    }
    const r = normaliseFqdn(v.trim().replace(/^\*?\./, ''));
    if (typeof r === 'string') {
      bad(p, `${show(v)} is not a domain (${r}); ignored`);
      continue;
    }
    domains.push(r.value);
  }

  const abuse: string[] = [];
  for (const [i, v] of list('abuse').entries()) {
    if (typeof v !== 'string' || !EMAIL.test(v.trim())) {
      bad([...at, 'abuse', i], `${show(v)} is not an e-mail address; ignored`);
      continue;
    }
    abuse.push(v.trim());
  }

  return {
    id,
    name: name ?? id,
    sector: text('sector'),
    cidrs,
    asns,
    domains,
    abuse,
    language: text('language', LANGUAGE, 'a language tag such as "en" or "fr-BE"'),
    format: text('format', FORMAT, 'a format name such as "csv", "json" or "text"'),
  };
}

function checkCountries(raw: unknown, at: string, locate: Locate, warn: (m: string) => void): string[] {
  if (raw === undefined || raw === null) return [];
  const items = Array.isArray(raw) ? raw : [raw];
  const out: string[] = [];
  items.forEach((v, i) => {
    const cc = typeof v === 'string' ? v.trim().toUpperCase() : '';
    if (!COUNTRY.test(cc))
      warn(`${locate([at, i])}${at}[${i}]: ${show(v)} is not a two-letter country code; ignored`);
    else out.push(cc);
  });
  return out;
}

/** Parse YAML text. */
export function parseConstituencyYaml(text: string, file: string): DeclLoad {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const empty = { orgs: [], nationalCountries: [] };
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    return {
      decl: empty,
      warnings: [
        `${file}${line ? `:${line}` : ''}: not valid YAML: ${e.message.split('\n')[0]}; nothing loaded`,
      ],
    };
  }
  // The line of the entry, or of its nearest enclosing node when the entry is missing.
  const locate: Locate = (path) => {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      const offset = node?.range?.[0];
      if (offset !== undefined) return `${file}:${lineCounter.linePos(offset).line}: `;
    }
    return `${file}: `;
  };
  const root = doc.toJS() as unknown;
  if (root === null || root === undefined)
    return { decl: empty, warnings: [`${file}: empty; no organisations`] };
  if (typeof root !== 'object' || Array.isArray(root) || !isMap(doc.contents))
    return {
      decl: empty,
      warnings: [
        `${file}: expected a mapping with "orgs" (and optionally "national_countries"); nothing loaded`,
      ],
    };
  const r = root as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (k !== 'orgs' && k !== 'national_countries')
      warn(`${locate([k])}${k}: unknown key (expected orgs, national_countries); ignored`);
  const orgs: ConstituencyOrg[] = [];
  if (r.orgs !== undefined && !isSeq(doc.get('orgs', true))) {
    warn(`${locate(['orgs'])}orgs: expected a list of organisations; none loaded`);
  } else {
    ((r.orgs as unknown[] | undefined) ?? []).forEach((o, i) => {
      const org = checkOrg(o, ['orgs', i], locate, warn);
      if (org) orgs.push(org);
    });
  }
  const nationalCountries = checkCountries(r.national_countries, 'national_countries', locate, warn);
  return { decl: { orgs, nationalCountries }, warnings };
}

/** Split one CSV line (RFC 4180 quoting). */
function csvCells(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) {
          v += line.slice(j);
          j = line.length;
          break;
        }
        if (line[q + 1] === '"') {
          v += line.slice(j, q + 1);
          j = q + 2;
          continue;
        }
        v += line.slice(j, q);
        j = q + 1;
        break;
      }
      out.push(v);
      i = j + 1;
    } else {
      const c = line.indexOf(',', i);
      const end = c < 0 ? line.length : c;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** Parse CSV text: a header, then one organisation per row. */
export function parseConstituencyCsv(text: string, file: string): DeclLoad {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);
  const lines = text.split(/\r?\n/);
  let header: string[] | undefined;
  let headerLine = 0;
  const orgs: ConstituencyOrg[] = [];
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (!header) {
      header = csvCells(line).map((h) => h.trim().toLowerCase());
      headerLine = n + 1;
      const missing = ['id', 'name'].filter((k) => !header!.includes(k));
      if (missing.length > 0) {
        return {
          decl: { orgs: [], nationalCountries: [] },
          warnings: [
            `${file}:${headerLine}: header lacks column ${missing.join(', ')} (expected ${ORG_KEYS.join(',')}); nothing loaded`,
          ],
        };
      }
      header.forEach((h, i) => {
        if (!(ORG_KEYS as readonly string[]).includes(h))
          warn(`${file}:${headerLine}: column ${i + 1} "${h}" is unknown; ignored`);
      });
      continue;
    }
    const cells = csvCells(line);
    const o: Record<string, unknown> = {};
    header.forEach((h, i) => {
      if (!(ORG_KEYS as readonly string[]).includes(h)) return;
      const cell = (cells[i] ?? '').trim();
      if (cell === '') return;
      o[h] = LIST_KEYS.has(h) ? cell.split(/[\s;]+/).filter((x) => x !== '') : cell;
    });
    const locate: Locate = () => `${file}:${n + 1}: `;
    const org = checkOrg(o, [], locate, warn);
    if (org) orgs.push(org);
  }
  return { decl: { orgs, nationalCountries: [] }, warnings };
}

/** Read and parse a constituency file; the format follows the extension (.csv, else YAML). */
export async function readConstituencyFile(file: string): Promise<DeclLoad> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return {
      decl: { orgs: [], nationalCountries: [] },
      warnings: [`${file}: cannot read (${(e as Error).message}); no constituency loaded`],
    };
  }
  return extname(file).toLowerCase() === '.csv'
    ? parseConstituencyCsv(text, file)
    : parseConstituencyYaml(text, file);
}
