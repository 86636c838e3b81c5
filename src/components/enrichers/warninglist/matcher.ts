/**
 * All loaded warninglists compiled into one matcher per kind of event value, so a value is looked
 * up once per kind, not once per list:
 * - cidr: one combined range index (binary search, IPv4 and IPv6);
 * - hostname: one Map of host names, walked label by label from the right ("a.b.example.com"
 *   checks "com", "example.com", "b.example.com", "a.b.example.com"), MISP's subdomain rule;
 * - string: one Map of exact values (case-insensitive; IPs in canonical form);
 * - substring: each entry (these lists are short);
 * - regex: per list, patterns joined into one alternation where that keeps their meaning.
 *
 * Which lists apply to which value follows the list's `matching_attributes` (MISP attribute types),
 * like MISP does; a list without them applies by its type (cidr to IPs, hostname to domains and
 * URLs, the others to every value).
 */

import type { WarningList } from './load-list.js';
import { compileAll } from './php-regex.js';
import { buildRangeIndex, lookupIp, type Range, type RangeIndex } from './range-index.js';

/** The kinds of event values checked, and the MISP attribute types each one stands for. */
export const KIND_ATTRIBUTES = {
  'ip-src': ['ip-src', 'ip-src|port', 'domain|ip', 'ip'],
  'ip-dst': ['ip-dst', 'ip-dst|port', 'domain|ip', 'ip'],
  domain: ['domain', 'hostname', 'domain|ip', 'hostname|port'],
  url: ['url', 'uri', 'link'],
} as const;
export type ValueKind = keyof typeof KIND_ATTRIBUTES;
const KINDS = Object.keys(KIND_ATTRIBUTES) as ValueKind[];

interface KindMatcher {
  readonly ranges: RangeIndex | undefined;
  /** For the url kind: hostname lists that say they apply to URLs; checked on the URL's host. */
  readonly hosts: ReadonlyMap<string, readonly number[]> | undefined;
  readonly strings: ReadonlyMap<string, readonly number[]> | undefined;
  readonly substrings: readonly { readonly value: string; readonly list: number }[];
  readonly regexes: readonly { readonly re: RegExp; readonly list: number }[];
}

export interface MatcherOptions {
  /** Follow each list's matching_attributes (MISP semantics). Off: apply every list by its type. */
  readonly honourMatchingAttributes: boolean;
}

function applies(list: WarningList, kind: ValueKind, opts: MatcherOptions): boolean {
  const ip = kind === 'ip-src' || kind === 'ip-dst';
  if (list.type === 'cidr' && !ip) return false;
  if (list.type === 'hostname' && ip) return false;
  if (!opts.honourMatchingAttributes || list.matchingAttributes === undefined) return true;
  const wanted: readonly string[] = KIND_ATTRIBUTES[kind];
  return list.matchingAttributes.some((a) => wanted.includes(a));
}

function addTo(map: Map<string, number[]>, key: string, list: number): void {
  const have = map.get(key);
  if (!have) map.set(key, [list]);
  else if (have[have.length - 1] !== list) have.push(list);
}

function buildKind(lists: readonly WarningList[], kind: ValueKind, opts: MatcherOptions): KindMatcher {
  const v4: Range<number>[] = [];
  const v6: Range<bigint>[] = [];
  const hosts = new Map<string, number[]>();
  const strings = new Map<string, number[]>();
  const substrings: { value: string; list: number }[] = [];
  const regexes: { re: RegExp; list: number }[] = [];
  lists.forEach((l, i) => {
    if (!applies(l, kind, opts)) return;
    const e = l.entries;
    if (e.type === 'cidr') {
      for (const r of e.v4) v4.push({ lo: r.lo, hi: r.hi, list: i });
      for (const r of e.v6) v6.push({ lo: r.lo, hi: r.hi, list: i });
    } else if (e.type === 'hostname') {
      for (const v of e.values) addTo(hosts, v, i);
    } else if (e.type === 'string') {
      for (const v of e.values) addTo(strings, v, i);
    } else if (e.type === 'substring') {
      for (const v of e.values) substrings.push({ value: v, list: i });
    } else if (e.type === 'regex') {
      for (const re of compileAll(e.patterns)) regexes.push({ re, list: i });
    }
  });
  return {
    ranges: v4.length + v6.length > 0 ? buildRangeIndex(v4, v6) : undefined,
    hosts: hosts.size > 0 ? hosts : undefined,
    strings: strings.size > 0 ? strings : undefined,
    substrings,
    regexes,
  };
}

/** Push the indices of hostname lists holding `host` or one of its parent domains. */
function walkHost(hosts: ReadonlyMap<string, readonly number[]>, host: string, hits: number[]): void {
  let end = host.length;
  if (host.charCodeAt(end - 1) === 46) end--; // trailing dot
  let dot = host.lastIndexOf('.', end - 1);
  for (;;) {
    const suffix = host.slice(dot + 1, end);
    const found = hosts.get(suffix);
    if (found) for (const l of found) hits.push(l);
    if (dot < 0) return;
    dot = host.lastIndexOf('.', dot - 1);
  }
}

/**
 * The host of a WHATWG-normalised URL (what the schema stores), without a port, userinfo or the
 * brackets of an IPv6 literal; undefined when there is none. String work, no URL object per event.
 */
export function urlHost(url: string): string | undefined {
  const s = url.indexOf('://');
  if (s < 0) return undefined;
  let start = s + 3;
  let end = url.length;
  for (let i = start; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) {
      end = i;
      break;
    }
  }
  const at = url.lastIndexOf('@', end - 1);
  if (at >= start) start = at + 1;
  if (url.charCodeAt(start) === 91) {
    const close = url.indexOf(']', start);
    return close < 0 || close > end ? undefined : url.slice(start + 1, close);
  }
  const colon = url.indexOf(':', start);
  if (colon >= 0 && colon < end) end = colon;
  return end > start ? url.slice(start, end).toLowerCase() : undefined;
}

export class WarninglistMatcher {
  private readonly kinds: Readonly<Record<ValueKind, KindMatcher>>;

  constructor(
    readonly lists: readonly WarningList[],
    opts: MatcherOptions,
  ) {
    const k = {} as Record<ValueKind, KindMatcher>;
    for (const kind of KINDS) k[kind] = buildKind(lists, kind, opts);
    this.kinds = k;
  }

  /** Push the indices of every list `value` (of the given kind) is on; duplicates are possible. */
  match(kind: ValueKind, value: string, hits: number[]): void {
    const m = this.kinds[kind];
    if (m.ranges) {
      const found = lookupIp(m.ranges, value);
      if (found) for (const l of found) hits.push(l);
    }
    if (m.hosts) {
      const host = kind === 'url' ? urlHost(value) : value;
      if (host) walkHost(m.hosts, host.toLowerCase(), hits);
    }
    if (m.strings || m.substrings.length > 0) {
      const lower = value.toLowerCase();
      const found = m.strings?.get(lower);
      if (found) for (const l of found) hits.push(l);
      for (const s of m.substrings) if (lower.includes(s.value)) hits.push(s.list);
    }
    for (const r of m.regexes) if (r.re.test(value)) hits.push(r.list);
  }
}
