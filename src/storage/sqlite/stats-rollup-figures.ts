/**
 * A period's figures from the statistics rollup (stats-rollup.ts): the rules of
 * src/reports/stats/figures.ts applied once per cell, then distinct counts of integer host and C2
 * ids grouped by cell, in two passes over the period's records. Same figures as the SQL over the
 * observations (stats-query.ts), which the tests hold it to.
 */
import type Database from 'better-sqlite3';
import { COMPROMISED, INFECTED, ownerOf, sortC2, sortOwners } from '../../reports/stats/figures.js';
import type { C2Breakdown, OwnerCount, PeriodFigures, StatsFilter, StatsQuery } from '../store.js';
import type { DestinationCell, SourceCell } from './stats-rollup.js';

/** A value as SQL GROUP BY sees it (an integer 1 and a text '1' are different groups). */
const typed = (v: unknown): string => (v === null ? 'null' : `${typeof v}:${String(v)}`);

/** Distinct values of a column over cells: group index of each cell, and each group's value. */
class Groups<T> {
  readonly ofCell: Int32Array;
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();
  constructor(cells: number) {
    this.ofCell = new Int32Array(cells).fill(-1);
  }
  set(cell: number, key: string, value: T): void {
    let g = this.index.get(key);
    if (g === undefined) {
      g = this.values.length;
      this.index.set(key, g);
      this.values.push(value);
    }
    this.ofCell[cell] = g;
  }
}

/**
 * Which cells each id (host or C2 server) was seen in, for distinct counts per group of cells.
 * Nearly every id of a period is seen in one cell only (a host talks to one C2, a C2 server has
 * one set of facts): for those a stamp per id (its cell + 1) is all it takes. An id seen in
 * several cells is marked -1 and its (id, cell) pairs are kept apart, to be deduplicated by
 * sorting; they are few.
 */
class CellSets {
  /** Per id: 0 unseen, its only cell + 1, or -1 when seen in several cells. */
  readonly stamp: Int32Array;
  private readonly multi: number[] = [];
  private cellCount: Uint32Array | undefined;
  private keys = new Float64Array(0);

  constructor(
    idBound: number,
    private readonly cells: number,
  ) {
    this.stamp = new Int32Array(idBound);
  }

  add(id: number, cell: number): void {
    const stamp = this.stamp;
    const s = stamp[id] as number;
    if (s === cell + 1) return;
    if (s === 0) {
      stamp[id] = cell + 1;
      return;
    }
    if (s > 0) {
      this.multi.push(id * this.cells + s - 1);
      stamp[id] = -1;
    }
    this.multi.push(id * this.cells + cell);
  }

  /** Distinct ids per group, where groupOf gives each cell's group (-1: none). */
  count(groupOf: Int32Array, groups: number): Uint32Array {
    const counts = new Uint32Array(groups);
    if (this.cellCount === undefined) {
      const cellCount = new Uint32Array(this.cells);
      const stamp = this.stamp;
      for (let id = 0; id < stamp.length; id++) {
        const s = stamp[id] as number;
        if (s > 0) cellCount[s - 1] = (cellCount[s - 1] as number) + 1;
      }
      this.cellCount = cellCount;
      const sorted = Float64Array.from(this.multi).sort();
      let n = 0;
      for (let i = 0; i < sorted.length; i++)
        if (n === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
      this.keys = sorted.subarray(0, n);
    }
    for (let c = 0; c < this.cells; c++) {
      const g = groupOf[c] as number;
      if (g >= 0) counts[g] = (counts[g] as number) + (this.cellCount[c] as number);
    }
    // Ids in several cells: count each of their groups once. Keys are sorted by id, then cell.
    const keys = this.keys;
    const seen: number[] = [];
    for (let i = 0; i < keys.length; ) {
      const id = Math.floor((keys[i] as number) / this.cells);
      seen.length = 0;
      for (; i < keys.length && Math.floor((keys[i] as number) / this.cells) === id; i++) {
        const g = groupOf[(keys[i] as number) - id * this.cells] as number;
        if (g >= 0 && !seen.includes(g)) {
          seen.push(g);
          counts[g] = (counts[g] as number) + 1;
        }
      }
    }
    return counts;
  }
}

/** A growable list of (cell, id) records. */
class Pairs {
  length = 0;
  cell = new Uint32Array(1024);
  id = new Uint32Array(1024);
  push(cell: number, id: number): void {
    if (this.length === this.cell.length) {
      const grow = (a: Uint32Array) => {
        const b = new Uint32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.cell = grow(this.cell);
      this.id = grow(this.id);
    }
    this.cell[this.length] = cell;
    this.id[this.length++] = id;
  }
}

/**
 * Distinct hosts per group of cells, for tens of millions of hosts: the ids are too many for a
 * stamp per id to stay in the CPU caches, so two passes over the records with bitmaps (an eighth
 * of a byte per id) instead. Pass 1 (`first`) marks ids seen more than once; pass 2 (`second`)
 * counts every id seen once in its only cell, and keeps the records of the others, which are
 * counted per group by sorting them by cell and test-and-setting a bitmap group by group.
 */
class HostSets {
  /** Bitmaps of the ids seen, and of those seen more than once (pass 1 sets them). */
  readonly seen: Int32Array;
  readonly dup: Int32Array;
  /** Ids seen once, by their cell (pass 2). */
  readonly cellCount: Uint32Array;
  private readonly multi = new Pairs();
  private sorted: { start: Uint32Array; ids: Uint32Array } | undefined;

  constructor(
    private readonly idBound: number,
    private readonly cells: number,
  ) {
    this.seen = new Int32Array((idBound >>> 5) + 1);
    this.dup = new Int32Array((idBound >>> 5) + 1);
    this.cellCount = new Uint32Array(cells);
  }

  /** Pass 2, for an id seen more than once: keep its record. */
  keep(id: number, cell: number): void {
    this.multi.push(cell, id);
  }

  /** Distinct ids per group, where groupOf gives each cell's group (-1: none). */
  count(groupOf: Int32Array, groups: number): Uint32Array {
    const counts = new Uint32Array(groups);
    for (let c = 0; c < this.cells; c++) {
      const g = groupOf[c] as number;
      if (g >= 0) counts[g] = (counts[g] as number) + (this.cellCount[c] as number);
    }
    if (this.multi.length === 0) return counts;
    const { start, ids } = this.sortedByCell();
    const cellsOf: number[][] = Array.from({ length: groups }, () => []);
    for (let c = 0; c < this.cells; c++) {
      const g = groupOf[c] as number;
      if (g >= 0 && (start[c + 1] as number) > (start[c] as number)) (cellsOf[g] as number[]).push(c);
    }
    const bm = new Int32Array((this.idBound >>> 5) + 1);
    for (let g = 0; g < groups; g++) {
      const list = cellsOf[g] as number[];
      if (list.length === 0) continue;
      let n = 0;
      for (const c of list)
        for (let j = start[c] as number; j < (start[c + 1] as number); j++) {
          const id = ids[j] as number;
          const w = id >>> 5;
          const bit = 1 << (id & 31);
          const word = bm[w] as number;
          if ((word & bit) === 0) {
            bm[w] = word | bit;
            n++;
          }
        }
      counts[g] = (counts[g] as number) + n;
      for (const c of list)
        for (let j = start[c] as number; j < (start[c + 1] as number); j++) bm[(ids[j] as number) >>> 5] = 0;
    }
    return counts;
  }

  /** The kept records' ids, counting-sorted by cell, each (cell, id) once. */
  private sortedByCell(): { start: Uint32Array; ids: Uint32Array } {
    if (this.sorted) return this.sorted;
    const { length, cell, id } = this.multi;
    const start = new Uint32Array(this.cells + 1);
    for (let i = 0; i < length; i++) {
      const c = (cell[i] as number) + 1;
      start[c] = (start[c] as number) + 1;
    }
    for (let c = 0; c < this.cells; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
    const pos = start.slice(0, this.cells);
    const ids = new Uint32Array(length);
    for (let i = 0; i < length; i++) {
      const c = cell[i] as number;
      const p = pos[c] as number;
      pos[c] = p + 1;
      ids[p] = id[i] as number;
    }
    // Each (cell, id) once: a host seen on many days in the same cell is one entry, so the
    // groupings that follow read each pair once, not once a day.
    const bm = new Int32Array((this.idBound >>> 5) + 1);
    let out = 0;
    for (let c = 0; c < this.cells; c++) {
      const from = start[c] as number;
      const to = start[c + 1] as number;
      start[c] = out;
      for (let j = from; j < to; j++) {
        const v = ids[j] as number;
        const w = v >>> 5;
        const bit = 1 << (v & 31);
        const word = bm[w] as number;
        if ((word & bit) === 0) {
          bm[w] = word | bit;
          ids[out++] = v;
        }
      }
      for (let j = start[c] as number; j < out; j++) bm[(ids[j] as number) >>> 5] = 0;
    }
    start[this.cells] = out;
    this.sorted = { start, ids: ids.subarray(0, out) };
    return this.sorted;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The four uint32 words of each record of a chunk, as a Uint32Array (no copy when aligned). */
export function words(data: Buffer, n: number): Uint32Array {
  const count = n * 4;
  if (LITTLE_ENDIAN && data.byteOffset % 4 === 0) return new Uint32Array(data.buffer, data.byteOffset, count);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = data.readUInt32LE(i * 4);
  return out;
}

// The two passes over a period's records: plain loops over typed arrays held in locals, as they
// run once per observation (tens of millions). Records: source cell, destination cell, host, C2.

/** Pass 1: mark hosts seen (more than once), note C2 servers by cell; returns the warninglisted. */
function firstPass(
  chunks: readonly Uint32Array[],
  srcKind: Uint8Array,
  dstKind: Uint8Array,
  infected: HostSets,
  websites: HostSets,
  hosts: HostSets,
  servers: CellSets,
): number {
  const [infSeen, infDup, webSeen, webDup, abSeen, abDup] = [
    infected.seen,
    infected.dup,
    websites.seen,
    websites.dup,
    hosts.seen,
    hosts.dup,
  ];
  const stamp = servers.stamp;
  const srcCells = srcKind.length;
  const dstCells = dstKind.length;
  let excluded = 0;
  for (const w of chunks)
    for (let i = 0; i < w.length; i += 4) {
      const src = w[i] as number;
      const kind = src < srcCells ? (srcKind[src] as number) : 0;
      if (kind === 0) continue;
      const h = w[i + 2] as number;
      const hw = h >>> 5;
      const hb = 1 << (h & 31);
      if (kind === 2) {
        const s = webSeen[hw] as number;
        if ((s & hb) !== 0) webDup[hw] = (webDup[hw] as number) | hb;
        else webSeen[hw] = s | hb;
        continue;
      }
      let s = infSeen[hw] as number;
      if ((s & hb) !== 0) infDup[hw] = (infDup[hw] as number) | hb;
      else infSeen[hw] = s | hb;
      const dst = w[i + 1] as number;
      const dk = dst < dstCells ? (dstKind[dst] as number) : 0;
      if (dk === 2) excluded++;
      else if (dk === 1) {
        s = abSeen[hw] as number;
        if ((s & hb) !== 0) abDup[hw] = (abDup[hw] as number) | hb;
        else abSeen[hw] = s | hb;
        const c = w[i + 3] as number;
        if (stamp[c] !== dst + 1) servers.add(c, dst);
      }
    }
  return excluded;
}

/** Pass 2: count each host seen once in its cell; keep the records of the others. */
function secondPass(
  chunks: readonly Uint32Array[],
  srcKind: Uint8Array,
  dstKind: Uint8Array,
  infected: HostSets,
  websites: HostSets,
  hosts: HostSets,
): void {
  const [infDup, infCount, webDup, webCount, abDup, abCount] = [
    infected.dup,
    infected.cellCount,
    websites.dup,
    websites.cellCount,
    hosts.dup,
    hosts.cellCount,
  ];
  const srcCells = srcKind.length;
  const dstCells = dstKind.length;
  for (const w of chunks)
    for (let i = 0; i < w.length; i += 4) {
      const src = w[i] as number;
      const kind = src < srcCells ? (srcKind[src] as number) : 0;
      if (kind === 0) continue;
      const h = w[i + 2] as number;
      const hw = h >>> 5;
      const hb = 1 << (h & 31);
      if (kind === 2) {
        if (((webDup[hw] as number) & hb) !== 0) websites.keep(h, src);
        else webCount[src] = (webCount[src] as number) + 1;
        continue;
      }
      if (((infDup[hw] as number) & hb) !== 0) infected.keep(h, src);
      else infCount[src] = (infCount[src] as number) + 1;
      const dst = w[i + 1] as number;
      if (dst < dstCells && dstKind[dst] === 1) {
        if (((abDup[hw] as number) & hb) !== 0) hosts.keep(h, dst);
        else abCount[dst] = (abCount[dst] as number) + 1;
      }
    }
}

/**
 * The destination cells a filter's c2Country and family keep (1 per kept cell id), or undefined
 * when the filter has neither: then no record is dropped for its destination. Cell 0 (no C2)
 * is never kept by such a filter.
 */
export function destinationFilter(
  dstRows: ReadonlyArray<DestinationCell & { id: number }>,
  dstCells: number,
  filter: StatsFilter | undefined,
): Uint8Array | undefined {
  if (filter === undefined || (filter.c2Country === undefined && filter.family === undefined))
    return undefined;
  const keep = new Uint8Array(dstCells);
  for (const r of dstRows)
    if (
      (filter.c2Country === undefined || r.cc === filter.c2Country) &&
      (filter.family === undefined || r.malware === filter.family)
    )
      keep[r.id] = 1;
  return keep;
}

/** The records of a chunk whose destination cell is kept (a copy; the filtered path only). */
function keepRecords(w: Uint32Array, keep: Uint8Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < w.length; i += 4) if (keep[w[i + 1] as number] === 1) n++;
  const out = new Uint32Array(n * 4);
  let o = 0;
  for (let i = 0; i < w.length; i += 4)
    if (keep[w[i + 1] as number] === 1) {
      out[o] = w[i] as number;
      out[o + 1] = w[i + 1] as number;
      out[o + 2] = w[i + 2] as number;
      out[o + 3] = w[i + 3] as number;
      o += 4;
    }
  return out;
}

/** The figures of one period from the rollup (the rules of src/reports/stats/figures.ts). */
export function rollupStatsFigures(db: Database.Database, q: StatsQuery): PeriodFigures {
  const country = q.country;
  const network = q.filter?.network;
  // 1. The rules, once per cell.
  const srcRows = db.prepare('SELECT id, type, scope, cc, org, asn FROM stats_src_cells').all() as Array<
    SourceCell & { id: number }
  >;
  const srcCells = srcRows.reduce((m, r) => Math.max(m, r.id), 0) + 1;
  /** 1: a domestic infected host, 2: a domestic website, 0: not counted. */
  const srcKind = new Uint8Array(srcCells);
  const owners = new Groups<{ org: string | null; asn: number | null }>(srcCells);
  for (const r of srcRows) {
    const domestic = r.scope !== null ? r.scope === 'domestic' : country !== undefined && r.cc === country;
    if (!domestic) continue;
    if (network !== undefined && ownerOf(r.org, r.asn).key !== network) continue;
    srcKind[r.id] = r.type === INFECTED ? 1 : r.type === COMPROMISED ? 2 : 0;
    owners.set(r.id, `${typed(r.org)}|${typed(r.asn)}`, { org: r.org, asn: r.asn });
  }
  const dstRows = db.prepare('SELECT id, scope, cc, asn, malware, warn FROM stats_dst_cells').all() as Array<
    DestinationCell & { id: number }
  >;
  const dstCells = dstRows.reduce((m, r) => Math.max(m, r.id), 0) + 1;
  /** 1: abroad, 2: abroad but warninglisted, 0: not abroad (or no destination: cell 0). */
  const dstKind = new Uint8Array(dstCells);
  const byCountry = new Groups<string | null>(dstCells);
  const byFamily = new Groups<string | null>(dstCells);
  const byAsn = new Groups<number | null>(dstCells);
  for (const r of dstRows) {
    const abroad =
      r.scope !== null ? r.scope === 'foreign' : country !== undefined && r.cc !== null && r.cc !== country;
    if (!abroad) continue;
    dstKind[r.id] = r.warn !== 0 ? 2 : 1;
    byCountry.set(r.id, typed(r.cc), r.cc);
    byFamily.set(r.id, typed(r.malware), r.malware);
    byAsn.set(r.id, typed(r.asn), r.asn);
  }
  const next = db.prepare('SELECT host, c2 FROM stats_next').get() as { host: number; c2: number };

  // 2. Two passes over the period's records (see HostSets); C2 servers are few, one pass.
  const infected = new HostSets(next.host, srcCells);
  const websites = new HostSets(next.host, srcCells);
  const hosts = new HostSets(next.host, dstCells);
  const servers = new CellSets(next.c2, dstCells);
  const keep = destinationFilter(dstRows, dstCells, q.filter);
  const chunks = (
    db.prepare('SELECT n, data FROM stats_chunks WHERE day BETWEEN ? AND ?').all(q.since, q.until) as Array<{
      n: number;
      data: Buffer;
    }>
  ).map((r) => (keep === undefined ? words(r.data, r.n) : keepRecords(words(r.data, r.n), keep)));
  const excluded = firstPass(chunks, srcKind, dstKind, infected, websites, hosts, servers);
  secondPass(chunks, srcKind, dstKind, infected, websites, hosts);

  // 3. Distinct ids per group.
  const one = (cells: number, sets: CellSets | HostSets) => sets.count(new Int32Array(cells), 1)[0] ?? 0;
  const ownerRows = (sets: HostSets): OwnerCount[] => {
    const counts = sets.count(owners.ofCell, owners.values.length);
    return sortOwners(
      owners.values.flatMap((o, g) =>
        (counts[g] as number) > 0 ? [{ ...ownerOf(o.org, o.asn), count: counts[g] as number }] : [],
      ),
    );
  };
  const c2Rows = (groups: Groups<string | number | null>): C2Breakdown[] => {
    const h = hosts.count(groups.ofCell, groups.values.length);
    const sv = servers.count(groups.ofCell, groups.values.length);
    return sortC2(
      groups.values.flatMap((v, g) =>
        (h[g] as number) > 0
          ? [{ key: v === null ? null : String(v), servers: sv[g] as number, hosts: h[g] as number }]
          : [],
      ),
    );
  };
  return {
    infectedHosts: one(srcCells, infected),
    hostsTalkingToC2Abroad: one(dstCells, hosts),
    c2ServersAbroad: one(dstCells, servers),
    warninglistedExcluded: excluded,
    c2ByCountry: c2Rows(byCountry),
    c2ByFamily: c2Rows(byFamily),
    c2ByAsn: c2Rows(byAsn),
    infectedByOwner: ownerRows(infected),
    compromisedWebsites: one(srcCells, websites),
    websitesByOwner: ownerRows(websites),
  };
}
