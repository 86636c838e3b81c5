/**
 * The SQLite side of `accord stats`: the observation facts written with each new observation,
 * and the period figures in SQL over the observations. The store answers `accord stats` from the
 * rollup (stats-rollup.ts); this SQL is the reference the tests hold the rollup to (it scans
 * every observation of the period with count(DISTINCT ...), seconds per million observations).
 */
import type Database from 'better-sqlite3';
import type { Event } from '../../domain/schema/event.js';
import { COMPROMISED, INFECTED, ownerOf, sortC2, sortOwners } from '../../reports/stats/figures.js';
import { type ObservationFacts, observationFacts } from '../observation-facts.js';
import type { OwnerCount, PeriodFigures, StatsQuery } from '../store.js';

/** The facts columns of a new observation, in the order of the upsert's last ten parameters. */
export function factsRow(e: Event): unknown[] {
  return factsValues(observationFacts(e));
}

export function factsValues(f: ObservationFacts): unknown[] {
  return [
    f.feed,
    f.srcCc,
    f.srcAsn,
    f.srcOrg,
    f.srcScope,
    f.dstCc,
    f.dstAsn,
    f.dstOrg,
    f.dstScope,
    f.warninglist,
  ];
}

/** Rows of one period's observations of a type, with the domestic source rule applied. */
const PERIOD = `FROM observations WHERE type = @type AND day BETWEEN @since AND @until
  AND (CASE WHEN src_scope IS NOT NULL THEN src_scope = 'domestic' ELSE src_cc = @country END)
  AND (@network IS NULL OR (CASE WHEN src_org IS NOT NULL THEN src_org
    WHEN src_asn IS NOT NULL THEN 'AS' || src_asn END) = @network)
  AND (@c2Country IS NULL OR (type = 'infected-system' AND destination_ip IS NOT NULL AND dst_cc = @c2Country))
  AND (@family IS NULL OR (type = 'infected-system' AND destination_ip IS NOT NULL AND malware = @family))`;
/** ... whose destination is abroad (same rules as isAbroad in src/reports/stats/figures.ts). */
const ABROAD = `AND destination_ip IS NOT NULL
  AND (CASE WHEN dst_scope IS NOT NULL THEN dst_scope = 'foreign' ELSE dst_cc <> @country END)`;

export const STATS_SQL = {
  infected: `SELECT count(DISTINCT source) AS n ${PERIOD}`,
  excluded: `SELECT count(*) AS n ${PERIOD} ${ABROAD} AND warninglist <> 0`,
  c2: `SELECT count(DISTINCT source) AS hosts, count(DISTINCT destination_ip) AS servers
    ${PERIOD} ${ABROAD} AND warninglist = 0`,
  c2By: (column: string) => `SELECT ${column} AS key, count(DISTINCT destination_ip) AS servers,
    count(DISTINCT source) AS hosts ${PERIOD} ${ABROAD} AND warninglist = 0 GROUP BY ${column}`,
  owners: `SELECT src_org AS org, CASE WHEN src_org IS NULL THEN src_asn END AS asn,
    count(DISTINCT source) AS n ${PERIOD} GROUP BY 1, 2`,
} as const;

function ownerRows(rows: Array<{ org: string | null; asn: number | null; n: number }>): OwnerCount[] {
  return sortOwners(rows.map((r) => ({ ...ownerOf(r.org, r.asn), count: r.n })));
}

/** The figures of one period, in SQL (the rules of src/reports/stats/figures.ts): the reference. */
export function sqliteStatsFigures(db: Database.Database, q: StatsQuery): PeriodFigures {
  const p = {
    since: q.since,
    until: q.until,
    country: q.country ?? null,
    network: q.filter?.network ?? null,
    c2Country: q.filter?.c2Country ?? null,
    family: q.filter?.family ?? null,
  };
  const infected = { ...p, type: INFECTED };
  const one = (sql: string, params: object) => db.prepare(sql).get(params) as Record<string, number>;
  const c2By = (column: string) =>
    sortC2(
      (
        db.prepare(STATS_SQL.c2By(column)).all(infected) as Array<{
          key: string | number | null;
          servers: number;
          hosts: number;
        }>
      ).map((r) => ({ key: r.key === null ? null : String(r.key), servers: r.servers, hosts: r.hosts })),
    );
  const c2 = one(STATS_SQL.c2, infected);
  const website = { ...p, type: COMPROMISED };
  return {
    infectedHosts: one(STATS_SQL.infected, infected).n ?? 0,
    hostsTalkingToC2Abroad: c2.hosts ?? 0,
    c2ServersAbroad: c2.servers ?? 0,
    warninglistedExcluded: one(STATS_SQL.excluded, infected).n ?? 0,
    c2ByCountry: c2By('dst_cc'),
    c2ByFamily: c2By('malware'),
    c2ByAsn: c2By('dst_asn'),
    infectedByOwner: ownerRows(db.prepare(STATS_SQL.owners).all(infected) as never),
    compromisedWebsites: one(STATS_SQL.infected, website).n ?? 0,
    websitesByOwner: ownerRows(db.prepare(STATS_SQL.owners).all(website) as never),
  };
}

/** Infected hosts and C2 servers abroad per day, in SQL: the reference of stats-rollup-daily.ts. */
export function sqliteDailyFigures(
  db: Database.Database,
  q: StatsQuery,
): Array<{ day: string; infectedHosts: number; c2Servers: number }> {
  const p = {
    since: q.since,
    until: q.until,
    country: q.country ?? null,
    network: q.filter?.network ?? null,
    c2Country: q.filter?.c2Country ?? null,
    family: q.filter?.family ?? null,
    type: INFECTED,
  };
  const hosts = db.prepare(`SELECT day, count(DISTINCT source) AS n ${PERIOD} GROUP BY day`).all(p) as Array<{
    day: string;
    n: number;
  }>;
  const servers = new Map(
    (
      db
        .prepare(
          `SELECT day, count(DISTINCT destination_ip) AS n ${PERIOD} ${ABROAD} AND warninglist = 0 GROUP BY day`,
        )
        .all(p) as Array<{ day: string; n: number }>
    ).map((r) => [r.day, r.n]),
  );
  return hosts.map((r) => ({ day: r.day, infectedHosts: r.n, c2Servers: servers.get(r.day) ?? 0 }));
}

/** The latest day of observations of these types: one index probe per type. */
export function sqliteLatestDay(db: Database.Database, types: readonly string[]): string | undefined {
  const st = db.prepare('SELECT max(day) AS d FROM observations WHERE type = ?');
  let latest: string | undefined;
  for (const t of types) {
    const d = (st.get(t) as { d: string | null }).d;
    if (d !== null && (latest === undefined || d > latest)) latest = d;
  }
  return latest;
}
