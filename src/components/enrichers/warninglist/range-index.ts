/**
 * A combined CIDR index over many lists: the address space is cut into elementary segments at
 * every range boundary, and each segment points at the set of lists that cover it. A lookup is one
 * binary search, whatever the number of lists or entries (public-dns-v4 alone has 60,000+).
 *
 * IPv4 segment starts are a Uint32Array; IPv6 starts are 4 words per segment in one Uint32Array,
 * compared word by word (no BigInt on the lookup path; BigInt is used only while building).
 */
import { parseIPv4, parseIp } from '../../../domain/ip.js';

/** One CIDR range of one list, inclusive bounds. */
export interface Range<T> {
  readonly lo: T;
  readonly hi: T;
  readonly list: number;
}

/** Set id -1 means "no list". */
export interface RangeIndex {
  readonly v4Starts: Uint32Array;
  readonly v4Sets: Int32Array;
  /** 4 words (most significant first) per segment. */
  readonly v6Starts: Uint32Array;
  readonly v6Sets: Int32Array;
  /** List indices of each set id. */
  readonly sets: readonly (readonly number[])[];
}

const V4_MAX = 0xffffffff;
const V6_MAX = (1n << 128n) - 1n;

/** Sweep the boundaries of all ranges into (segment start, set id) pairs, merging equal neighbours. */
function sweep<T extends number | bigint>(
  ranges: readonly Range<T>[],
  zero: T,
  max: T,
  one: T,
  intern: (lists: number[]) => number,
): { starts: T[]; sets: number[] } {
  const points: { at: T; list: number; delta: 1 | -1 }[] = [];
  for (const r of ranges) {
    points.push({ at: r.lo, list: r.list, delta: 1 });
    if (r.hi !== max) points.push({ at: ((r.hi as bigint) + (one as bigint)) as T, list: r.list, delta: -1 });
  }
  points.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const active = new Map<number, number>();
  const starts: T[] = [zero];
  const sets: number[] = [-1];
  let i = 0;
  while (i < points.length) {
    const at = (points[i] as (typeof points)[number]).at;
    while (i < points.length && (points[i] as (typeof points)[number]).at === at) {
      const p = points[i++] as (typeof points)[number];
      const n = (active.get(p.list) ?? 0) + p.delta;
      if (n === 0) active.delete(p.list);
      else active.set(p.list, n);
    }
    const set = active.size === 0 ? -1 : intern([...active.keys()].sort((a, b) => a - b));
    if (set === sets[sets.length - 1]) continue;
    if (starts[starts.length - 1] === at) {
      sets[sets.length - 1] = set; // a segment of zero length: replace it
      if (sets.length > 1 && sets[sets.length - 2] === set) {
        starts.pop();
        sets.pop();
      }
    } else {
      starts.push(at);
      sets.push(set);
    }
  }
  return { starts, sets };
}

export function buildRangeIndex(v4: readonly Range<number>[], v6: readonly Range<bigint>[]): RangeIndex {
  const sets: number[][] = [];
  const ids = new Map<string, number>();
  const intern = (lists: number[]) => {
    const key = lists.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      sets.push(lists);
      ids.set(key, id);
    }
    return id;
  };
  // IPv4 bounds are exact in doubles, so the bigint arithmetic in sweep is done on numbers here.
  const a = sweep<number>(
    v4.map((r) => ({ lo: r.lo, hi: r.hi, list: r.list })),
    0,
    V4_MAX,
    1,
    intern,
  );
  const b = sweep<bigint>(v6, 0n, V6_MAX, 1n, intern);
  const v6Starts = new Uint32Array(b.starts.length * 4);
  b.starts.forEach((s, i) => {
    for (let w = 0; w < 4; w++) v6Starts[i * 4 + w] = Number((s >> BigInt(96 - 32 * w)) & 0xffffffffn);
  });
  return {
    v4Starts: Uint32Array.from(a.starts),
    v4Sets: Int32Array.from(a.sets),
    v6Starts,
    v6Sets: Int32Array.from(b.sets),
    sets,
  };
}

function findV4(idx: RangeIndex, x: number): number {
  const s = idx.v4Starts;
  let lo = 0;
  let hi = s.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((s[mid] as number) <= x) lo = mid;
    else hi = mid - 1;
  }
  return idx.v4Sets[lo] as number;
}

/** -1, 0, 1 comparing segment `i`'s start with the address words. */
function cmpV6(s: Uint32Array, i: number, w0: number, w1: number, w2: number, w3: number): number {
  const o = i * 4;
  const a0 = s[o] as number;
  if (a0 !== w0) return a0 < w0 ? -1 : 1;
  const a1 = s[o + 1] as number;
  if (a1 !== w1) return a1 < w1 ? -1 : 1;
  const a2 = s[o + 2] as number;
  if (a2 !== w2) return a2 < w2 ? -1 : 1;
  const a3 = s[o + 3] as number;
  return a3 === w3 ? 0 : a3 < w3 ? -1 : 1;
}

function findV6(idx: RangeIndex, g: readonly number[]): number {
  const w0 = (((g[0] ?? 0) << 16) | (g[1] ?? 0)) >>> 0;
  const w1 = (((g[2] ?? 0) << 16) | (g[3] ?? 0)) >>> 0;
  const w2 = (((g[4] ?? 0) << 16) | (g[5] ?? 0)) >>> 0;
  const w3 = (((g[6] ?? 0) << 16) | (g[7] ?? 0)) >>> 0;
  let lo = 0;
  let hi = idx.v6Sets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (cmpV6(idx.v6Starts, mid, w0, w1, w2, w3) <= 0) lo = mid;
    else hi = mid - 1;
  }
  return idx.v6Sets[lo] as number;
}

/** The lists (indices) an address is in, or undefined. `ip` is text; IPv4 takes the fast path. */
export function lookupIp(idx: RangeIndex, ip: string): readonly number[] | undefined {
  const v4 = parseIPv4(ip);
  let set: number;
  if (v4 >= 0) set = findV4(idx, v4);
  else {
    const p = parseIp(ip);
    if (!p) return undefined;
    set = p.version === 4 ? findV4(idx, p.v4 ?? 0) : findV6(idx, p.v6 ?? []);
  }
  return set < 0 ? undefined : idx.sets[set];
}

/** Inclusive bounds of a canonical CIDR text (as parseCidr returns it). */
export function cidrBounds(
  cidr: string,
):
  | { readonly version: 4; readonly lo: number; readonly hi: number }
  | { readonly version: 6; readonly lo: bigint; readonly hi: bigint }
  | undefined {
  const slash = cidr.indexOf('/');
  const ip = parseIp(cidr.slice(0, slash));
  const len = Number(cidr.slice(slash + 1));
  if (!ip) return undefined;
  if (ip.version === 4) {
    const lo = ip.v4 ?? 0;
    const size = 2 ** (32 - len);
    return { version: 4, lo, hi: lo + size - 1 };
  }
  let lo = 0n;
  for (const g of ip.v6 ?? []) lo = (lo << 16n) | BigInt(g);
  const hostBits = BigInt(128 - len);
  return { version: 6, lo, hi: lo | ((1n << hostBits) - 1n) };
}
