/**
 * Infected hosts and C2 servers abroad per day, from the statistics rollup (stats-rollup.ts): the
 * dashboard's "infected hosts per day" chart. Same rules as the period figures
 * (src/reports/stats/figures.ts: isDomestic, isAbroad, matchesStatsFilter), applied once per cell;
 * then one pass over the period's records, day by day, with a bitmap per day of the host and C2
 * ids seen. sqliteDailyFigures (stats-query.ts) is the SQL reference the tests hold it to.
 */
import type Database from 'better-sqlite3';
import { INFECTED, isAbroad, isDomestic, ownerOf } from '../../reports/stats/figures.js';
import { addDays } from '../../reports/stats/period.js';
import type { StatsQuery } from '../store.js';
import type { DestinationCell, SourceCell } from './stats-rollup.js';
import { destinationFilter, words } from './stats-rollup-figures.js';

export interface DailyFigures {
  /** YYYY-MM-DD (UTC). */
  readonly day: string;
  /** Distinct domestic infected hosts seen that day. */
  readonly infectedHosts: number;
  /** Distinct C2 servers abroad (not warninglisted) that domestic infected hosts talked to that day. */
  readonly c2Servers: number;
}

/** Every day from since to until (YYYY-MM-DD, both included). */
export function daysOf(since: string, until: string): string[] {
  const out: string[] = [];
  for (let day = since; day <= until; day = addDays(day, 1)) out.push(day);
  return out;
}

/** The figures of each day of the period (days without data: zeros), in day order. */
export function rollupDailyFigures(db: Database.Database, q: StatsQuery): DailyFigures[] {
  const country = q.country;
  const network = q.filter?.network;
  const srcRows = db.prepare('SELECT id, type, scope, cc, org, asn FROM stats_src_cells').all() as Array<
    SourceCell & { id: number }
  >;
  /** 1: a domestic infected host (passing the network filter). */
  const srcKind = new Uint8Array(srcRows.reduce((m, r) => Math.max(m, r.id), 0) + 1);
  for (const r of srcRows)
    if (
      r.type === INFECTED &&
      isDomestic(r.scope, r.cc, country) &&
      (network === undefined || ownerOf(r.org, r.asn).key === network)
    )
      srcKind[r.id] = 1;
  const dstRows = db.prepare('SELECT id, scope, cc, asn, malware, warn FROM stats_dst_cells').all() as Array<
    DestinationCell & { id: number }
  >;
  const dstCells = dstRows.reduce((m, r) => Math.max(m, r.id), 0) + 1;
  /** 1: a C2 server abroad, not warninglisted. */
  const dstKind = new Uint8Array(dstCells);
  for (const r of dstRows) if (r.warn === 0 && isAbroad(r.scope, r.cc, country)) dstKind[r.id] = 1;
  const keep = destinationFilter(dstRows, dstCells, q.filter);
  const next = db.prepare('SELECT host, c2 FROM stats_next').get() as { host: number; c2: number };
  const hostSeen = new Int32Array((next.host >>> 5) + 1);
  const c2Seen = new Int32Array((next.c2 >>> 5) + 1);

  const counts = new Map<string, { hosts: number; c2s: number }>();
  let day: string | undefined;
  let hosts = 0;
  let c2s = 0;
  const close = () => {
    if (day === undefined) return;
    counts.set(day, { hosts, c2s });
    hostSeen.fill(0);
    c2Seen.fill(0);
    hosts = 0;
    c2s = 0;
  };
  const st = db.prepare('SELECT day, n, data FROM stats_chunks WHERE day BETWEEN ? AND ? ORDER BY day');
  for (const row of st.iterate(q.since, q.until) as Iterable<{ day: string; n: number; data: Buffer }>) {
    if (row.day !== day) {
      close();
      day = row.day;
    }
    const w = words(row.data, row.n);
    for (let i = 0; i < w.length; i += 4) {
      const src = w[i] as number;
      if (src >= srcKind.length || srcKind[src] !== 1) continue;
      const dst = w[i + 1] as number;
      if (keep !== undefined && keep[dst] !== 1) continue;
      const h = w[i + 2] as number;
      const hw = h >>> 5;
      const hb = 1 << (h & 31);
      const s = hostSeen[hw] as number;
      if ((s & hb) === 0) {
        hostSeen[hw] = s | hb;
        hosts++;
      }
      if (dst < dstCells && dstKind[dst] === 1) {
        const c = w[i + 3] as number;
        const cw = c >>> 5;
        const cb = 1 << (c & 31);
        const t = c2Seen[cw] as number;
        if ((t & cb) === 0) {
          c2Seen[cw] = t | cb;
          c2s++;
        }
      }
    }
  }
  close();
  return daysOf(q.since, q.until).map((d) => {
    const c = counts.get(d);
    return { day: d, infectedHosts: c?.hosts ?? 0, c2Servers: c?.c2s ?? 0 };
  });
}
