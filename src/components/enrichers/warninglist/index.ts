/**
 * The warninglist enricher: flags events whose addresses, domains or URLs are on a MISP
 * warninglist (public DNS resolvers, cloud ranges, sinkholes, top sites, documentation ranges...).
 * A hit keeps the event; it writes the ids of the matching lists into `source.warninglist` /
 * `destination.warninglist` (comma-separated), per side, so block lists and notices can leave out
 * exactly the side that is a known false positive (a bot reported talking to a sinkhole is still a
 * bot; the sinkhole must not be blocked).
 *
 * Checked per side: `<side>.ip` (cidr and string lists), `<side>.fqdn` (hostname: the domain and
 * its subdomains; string), `<side>.url` (the whole URL for string/substring/regex lists; its host as
 * a domain, or as the side's IP when it is an address literal).
 */
import type { Event } from '../../../domain/schema/event.js';
import type { EnricherDefinition, EnricherInstance, EnricherLoad } from '../contract.js';
import { findFiles, listId } from './find-files.js';
import { loadListFile, type WarningList } from './load-list.js';
import { urlHost, type ValueKind, WarninglistMatcher } from './matcher.js';

export interface WarninglistOptions {
  /** Files, folders or globs of MISP warninglist JSON files, relative to the config's folder. */
  readonly paths: readonly string[];
  /** Ids of lists to leave out (the folder or file name, e.g. "tranco10k"). */
  readonly exclude: readonly string[];
  /** Follow each list's matching_attributes, as MISP does (default true). */
  readonly matchingAttributes: boolean;
}

export interface LoadedWarninglists {
  readonly matcher: WarninglistMatcher;
  /** Errors (a file not loaded) and warnings (entries skipped), each naming the file. */
  readonly warnings: readonly string[];
}

/** Find, read and compile the lists. Never throws: what cannot be loaded is reported and skipped. */
export async function loadWarninglists(
  options: WarninglistOptions,
  baseDir: string,
): Promise<LoadedWarninglists> {
  const found = await findFiles(options.paths, baseDir);
  const warnings: string[] = [...found.problems];
  const excluded = new Set(options.exclude.map((s) => s.toLowerCase()));
  const ids = new Set<string>();
  const lists: WarningList[] = [];
  const loads = await Promise.all(
    found.files
      .map((file) => ({ file, id: listId(file) }))
      .filter((f) => !excluded.has(f.id))
      .map((f) => loadListFile(f.file, f.id)),
  );
  for (const r of loads) {
    if (!r.ok) {
      warnings.push(r.error);
      continue;
    }
    warnings.push(...r.warnings);
    let list = r.list;
    if (ids.has(list.id)) {
      let n = 2;
      while (ids.has(`${list.id}-${n}`)) n++;
      warnings.push(`${list.file}: list id "${list.id}" is already taken; this list is "${list.id}-${n}"`);
      list = { ...list, id: `${list.id}-${n}` };
    }
    ids.add(list.id);
    lists.push(list);
  }
  if (lists.length === 0) warnings.push(`no warninglist loaded from ${options.paths.join(', ')}`);
  return {
    matcher: new WarninglistMatcher(lists, { honourMatchingAttributes: options.matchingAttributes }),
    warnings,
  };
}

const SIDES = [
  { ip: 'source.ip', fqdn: 'source.fqdn', url: 'source.url', out: 'source.warninglist', kind: 'ip-src' },
  {
    ip: 'destination.ip',
    fqdn: 'destination.fqdn',
    url: 'destination.url',
    out: 'destination.warninglist',
    kind: 'ip-dst',
  },
] as const satisfies readonly {
  ip: keyof Event;
  fqdn: keyof Event;
  url: keyof Event;
  out: keyof Event;
  kind: ValueKind;
}[];

const isIpLiteral = (h: string) => h.includes(':') || /^\d+\.\d+\.\d+\.\d+$/.test(h);

/** The enricher over a compiled matcher (exported for tests and benchmarks). */
/** The loaded lists as plain values (EnricherInstance.snapshot). */
interface WarninglistSnapshot {
  readonly lists: readonly WarningList[];
}

export function warninglistInstance(matcher: WarninglistMatcher): EnricherInstance {
  const ids = matcher.lists.map((l) => l.id);
  const hits: number[] = [];
  const names = (): string => {
    if (hits.length === 1) return ids[hits[0] as number] as string;
    const uniq = [...new Set(hits)].sort((a, b) => a - b);
    return uniq.map((i) => ids[i]).join(',');
  };
  return {
    // The parsed lists (plain data): a worker rebuilds the matcher without reading the files.
    snapshot: (): WarninglistSnapshot => ({ lists: matcher.lists }),
    enrich(event: Event, owned = false): Event {
      if (ids.length === 0) return event;
      let out: Record<string, unknown> | undefined;
      for (const side of SIDES) {
        hits.length = 0;
        const ip = event[side.ip];
        const fqdn = event[side.fqdn];
        const url = event[side.url];
        if (ip !== undefined) matcher.match(side.kind, ip, hits);
        if (fqdn !== undefined) matcher.match('domain', fqdn, hits);
        if (url !== undefined) {
          matcher.match('url', url, hits);
          const host = urlHost(url);
          if (host !== undefined && host !== ip && host !== fqdn)
            matcher.match(isIpLiteral(host) ? side.kind : 'domain', host, hits);
        }
        if (hits.length > 0) {
          out ??= owned ? (event as Record<string, unknown>) : { ...event };
          out[side.out] = names();
        }
      }
      return (out as Event | undefined) ?? event;
    },
  };
}

function stringList(raw: unknown, name: string): readonly string[] | string {
  if (raw === undefined) return [];
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw) && raw.every((x) => typeof x === 'string')) return raw as string[];
  return `option "${name}" must be a string or a list of strings`;
}

export const warninglist: EnricherDefinition<WarninglistOptions> = {
  name: 'warninglist',
  description:
    'Flags events whose IPs, domains or URLs are on MISP warninglists (source.warninglist, destination.warninglist)',
  options: [
    {
      name: 'paths',
      type: 'string | string[]',
      description:
        'MISP warninglist files, folders (every list.json below, and *.json directly inside) or globs (*, ?, **)',
    },
    {
      name: 'exclude',
      type: 'string[]',
      description: 'ids of lists to leave out (folder or file name)',
      default: [],
    },
    {
      name: 'matching_attributes',
      type: 'boolean',
      description: "apply each list only to the MISP attribute types it names (MISP's own rule)",
      default: true,
    },
  ],
  parseOptions(raw) {
    for (const k of Object.keys(raw))
      if (!['paths', 'exclude', 'matching_attributes'].includes(k))
        return { ok: false, error: `unknown option "${k}"` };
    const paths = stringList(raw.paths, 'paths');
    if (typeof paths === 'string') return { ok: false, error: paths };
    if (paths.length === 0)
      return { ok: false, error: 'option "paths" is required: where the warninglists are' };
    const exclude = stringList(raw.exclude, 'exclude');
    if (typeof exclude === 'string') return { ok: false, error: exclude };
    const ma = raw.matching_attributes ?? true;
    if (typeof ma !== 'boolean')
      return { ok: false, error: 'option "matching_attributes" must be true or false' };
    return { ok: true, value: { paths, exclude, matchingAttributes: ma } };
  },
  async create(options, ctx): Promise<EnricherLoad> {
    const { matcher, warnings } = await loadWarninglists(options, ctx.baseDir);
    return { instance: warninglistInstance(matcher), warnings };
  },
  async restore(snapshot, options) {
    const { lists } = snapshot as WarninglistSnapshot;
    return warninglistInstance(
      new WarninglistMatcher(lists, { honourMatchingAttributes: options.matchingAttributes }),
    );
  },
};
