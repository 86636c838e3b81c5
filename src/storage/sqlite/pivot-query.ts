/**
 * The SQL side of the API's pivot (GET /v1/pivot): for observations matching a filter, the feeds
 * that reported them, warninglist names of their sample events, the domestic infected hosts that
 * talk to the C2s of the match (for a C2: its hosts), and the C2s its hosts talk to; and the
 * knowledge objects whose JSON mentions a value. Every list is cut to `limit` rows with its full
 * distinct count beside it. Without an index on addresses each of these reads the observations
 * once (docs/api.md says what that costs at scale).
 */
import type Database from 'better-sqlite3';
import { INFECTED } from '../../reports/stats/figures.js';
import { type ObservationFilter, registerIpFunctions } from './observation-query.js';

/** Which side of an infected-system observation a pivot value is on. */
export interface SideCondition {
  readonly sql: string;
  readonly args: readonly unknown[];
}

export interface HostRow {
  readonly host: string;
  readonly observations: number;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly family: string | null;
  readonly org: string | null;
  readonly cc: string | null;
  readonly asn: number | null;
}

export interface C2Row {
  readonly c2: string;
  readonly hosts: number;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly family: string | null;
  readonly cc: string | null;
  readonly asn: number | null;
}

/** The condition of a pivot value on one side of an observation ('dst': C2 side, 'src': host side). */
export function sideCondition(f: ObservationFilter, side: 'src' | 'dst'): SideCondition | undefined {
  const col = side === 'src' ? 'o.source' : 'o.destination_ip';
  if (f.ip !== undefined) return { sql: `${col} = ?`, args: [f.ip] };
  if (f.cidr !== undefined) return { sql: `accord_in_cidr(${col}, ?)`, args: [f.cidr.text] };
  if (f.asn !== undefined) return { sql: `o.${side}_asn = ?`, args: [f.asn] };
  if (f.family !== undefined) return { sql: 'o.malware = ?', args: [f.family] };
  return undefined;
}

/** The stats rule of a domestic source (src/reports/stats/figures.ts isDomestic) in SQL. */
const DOMESTIC = `(CASE WHEN o.src_scope IS NOT NULL THEN o.src_scope = 'domestic' ELSE o.src_cc = ? END)`;

/** Domestic infected hosts of observations whose C2 side matches. */
export function pivotHosts(
  db: Database.Database,
  c: SideCondition,
  country: string | undefined,
  limit: number,
): { items: HostRow[]; total: number } {
  registerIpFunctions(db);
  const where = `FROM observations o WHERE +o.type = ? AND o.destination_ip IS NOT NULL AND ${c.sql} AND ${DOMESTIC}`;
  const args = [INFECTED, ...c.args, country ?? null];
  const items = db
    .prepare(
      `SELECT o.source AS host, count(*) AS observations, min(o.day) AS firstDay, max(o.day) AS lastDay,
        max(o.malware) AS family, max(o.src_org) AS org, max(o.src_cc) AS cc, max(o.src_asn) AS asn
       ${where} GROUP BY o.source ORDER BY observations DESC, host LIMIT ?`,
    )
    .all(...args, limit) as HostRow[];
  const total = (db.prepare(`SELECT count(DISTINCT o.source) AS n ${where}`).get(...args) as { n: number }).n;
  return { items, total };
}

/** C2 servers of observations whose host side matches. */
export function pivotC2s(
  db: Database.Database,
  c: SideCondition,
  limit: number,
): { items: C2Row[]; total: number } {
  registerIpFunctions(db);
  const where = `FROM observations o WHERE +o.type = ? AND o.destination_ip IS NOT NULL AND ${c.sql}`;
  const args = [INFECTED, ...c.args];
  const items = db
    .prepare(
      `SELECT o.destination_ip AS c2, count(DISTINCT o.source) AS hosts, min(o.day) AS firstDay, max(o.day) AS lastDay,
        max(o.malware) AS family, max(o.dst_cc) AS cc, max(o.dst_asn) AS asn
       ${where} GROUP BY o.destination_ip ORDER BY hosts DESC, c2 LIMIT ?`,
    )
    .all(...args, limit) as C2Row[];
  const total = (
    db.prepare(`SELECT count(DISTINCT o.destination_ip) AS n ${where}`).get(...args) as { n: number }
  ).n;
  return { items, total };
}

/** Observations per feed, for observations matching a side condition on either side. */
export function pivotFeeds(
  db: Database.Database,
  where: SideCondition,
): Array<{ feed: string; count: number }> {
  registerIpFunctions(db);
  return db
    .prepare(
      `SELECT coalesce(o.feed, '') AS feed, count(*) AS count FROM observations o WHERE ${where.sql}
       GROUP BY 1 ORDER BY count DESC, feed`,
    )
    .all(...where.args) as Array<{ feed: string; count: number }>;
}

/** The condition "on either side" of a filter's pivot value (for feeds and warninglists). */
export function eitherSide(f: ObservationFilter): SideCondition | undefined {
  const s = sideCondition(f, 'src');
  const d = sideCondition(f, 'dst');
  if (s === undefined || d === undefined) return s ?? d;
  if (s.sql === d.sql) return s;
  return { sql: `(${s.sql} OR ${d.sql})`, args: [...s.args, ...d.args] };
}

/** Warninglist names on the sample events of up to `scan` matching flagged observations. */
export function pivotWarninglists(db: Database.Database, where: SideCondition, scan = 500): string[] {
  registerIpFunctions(db);
  const rows = db
    .prepare(
      `SELECT json_extract(e.data, '$."source.warninglist"') AS s, json_extract(e.data, '$."destination.warninglist"') AS d
       FROM observations o JOIN events e ON e.rowid = o.sample
       WHERE o.warninglist <> 0 AND ${where.sql} LIMIT ?`,
    )
    .all(...where.args, scan) as Array<{ s: string | null; d: string | null }>;
  const names = new Set<string>();
  for (const r of rows) for (const v of [r.s, r.d]) if (v) for (const n of v.split(',')) names.add(n);
  return [...names].sort();
}

/** (collection, id) of the latest versions whose JSON mentions any of these texts (case-insensitive). */
export function knowledgeMentioning(
  db: Database.Database,
  texts: readonly string[],
  limit: number,
): Array<{ collection: string; id: string }> {
  if (texts.length === 0) return [];
  const cond = texts.map(() => 'instr(lower(json), ?) > 0').join(' OR ');
  return db
    .prepare(
      `SELECT collection, id FROM knowledge_objects WHERE is_last = 1 AND (${cond}) ORDER BY date_added DESC LIMIT ?`,
    )
    .all(...texts.map((t) => t.toLowerCase()), limit) as Array<{ collection: string; id: string }>;
}
