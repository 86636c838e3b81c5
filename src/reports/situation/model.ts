/**
 * The national situation report's model: the figures of `accord stats` for a calendar period
 * (src/reports/stats: the same store query, the same report builder), compared with the previous
 * period and with the same period a year before, plus the C2 countries for the map and the
 * infected hosts per day. docs/report.md says how each figure is computed.
 */
import type { PeriodFigures, Store } from '../../storage/store.js';
import { COMPROMISED, INFECTED } from '../stats/figures.js';
import { buildReport, type Compared, type StatsReport } from '../stats/report.js';
import { type DayFigures, dailyFigures } from './daily.js';
import { defaultPeriodLabel, parseReportPeriod, type ReportPeriods } from './period.js';

/** A headline figure: now, the previous period, and the same period a year before. */
export interface Headline extends Compared {
  /** The same period a year before; null when the store has no data for it. */
  readonly yearAgo: number | null;
  /** Change against the year before in percent, one decimal; null when yearAgo is null or 0. */
  readonly yearOnYearPercent: number | null;
}

export interface SituationReport {
  readonly kind: 'accord-situation-report';
  readonly generatedAt: string;
  readonly period: ReportPeriods;
  /** The national country used where no constituency data says what is domestic (null: none). */
  readonly country: string | null;
  /** The latest day with observations in the store (null: none). */
  readonly dataUntil: string | null;
  readonly headline: {
    readonly infectedHosts: Headline;
    readonly hostsTalkingToC2Abroad: Headline;
    readonly c2ServersAbroad: Headline;
    readonly compromisedWebsites: Headline;
    readonly warninglistedExcluded: Headline;
  };
  /** Exactly what `accord stats --json` gives for this period and its previous period (without `seconds`). */
  readonly stats: StatsReport;
  /** The same report against the same period a year before; null when the store has no data for it. */
  readonly yearOnYear: StatsReport | null;
  /** Every C2 country of the period (not cut to the top rows): servers and the domestic hosts they control. */
  readonly c2Countries: ReadonlyArray<{
    readonly key: string | null;
    readonly servers: number;
    readonly hosts: number;
  }>;
  /** One row per day of the period. */
  readonly daily: readonly DayFigures[];
  /** Name and sector of each constituency organisation in the tables (when the constituency is known). */
  readonly organisations: Readonly<Record<string, Organisation>>;
}

export interface Organisation {
  readonly name: string;
  readonly sector: string | null;
}

export interface SituationOptions {
  /** `2026`, `2026-Q3`, `2026-10` or `YYYY-MM-DD..YYYY-MM-DD`; default: the year of the latest data. */
  readonly period?: string;
  readonly country?: string;
  /** Rows per table (default 10; 0 for all). */
  readonly top?: number;
  /** Today (YYYY-MM-DD, UTC), for the default period of an empty store. */
  readonly today: string;
  /** Time the report is made (ISO 8601); default now. */
  readonly now?: string;
  /**
   * The figures per day, when the store has a faster way than one statsFigures query per day
   * (the SQLite store's rollup: sqliteDaily in ./sqlite-daily.ts). Default: dailyFigures.
   */
  readonly daily?: (q: { since: string; until: string; country?: string }) => Promise<DayFigures[]>;
  /** The constituency organisation of an id (its name and sector for the tables), when known. */
  readonly organisation?: (
    id: string,
  ) => { readonly name: string; readonly sector?: string | undefined } | undefined;
}

export type SituationResult = { ok: true; report: SituationReport } | { ok: false; error: string };

const HEADLINES = [
  'infectedHosts',
  'hostsTalkingToC2Abroad',
  'c2ServersAbroad',
  'compromisedWebsites',
  'warninglistedExcluded',
] as const;

const hasData = (f: PeriodFigures) => f.infectedHosts > 0 || f.compromisedWebsites > 0;

export async function situationReport(store: Store, o: SituationOptions): Promise<SituationResult> {
  const country = o.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    return { ok: false, error: `--country ${o.country}: expected a two-letter country code (ISO 3166-1)` };
  const latest = await store.latestDay([INFECTED, COMPROMISED]);
  const parsed = parseReportPeriod(o.period ?? defaultPeriodLabel(latest, o.today));
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  const top = o.top ?? 10;
  const figures = (since: string, until: string) =>
    store.statsFigures({ since, until, ...(country !== undefined ? { country } : {}) });
  const current = await figures(p.current.since, p.current.until);
  const previous = await figures(p.previous.since, p.previous.until);
  const sameAsPrevious = p.yearAgo.since === p.previous.since && p.yearAgo.until === p.previous.until;
  const yearAgo = sameAsPrevious ? previous : await figures(p.yearAgo.since, p.yearAgo.until);
  const basis = p.kind === 'days' ? 'as asked' : `${p.title}, compared with the previous ${p.kind}`;
  const stats = buildReport({
    periods: { current: p.current, previous: p.previous, basis },
    country,
    current,
    previous,
    top,
  });
  const yearOnYear = hasData(yearAgo)
    ? buildReport({
        periods: {
          current: p.current,
          previous: p.yearAgo,
          basis: `${p.title}, compared with a year before`,
        },
        country,
        current,
        previous: yearAgo,
        top,
      })
    : null;
  const headline = Object.fromEntries(
    HEADLINES.map((k) => [
      k,
      {
        ...stats[k],
        yearAgo: yearOnYear === null ? null : yearOnYear[k].previous,
        yearOnYearPercent: yearOnYear === null ? null : yearOnYear[k].changePercent,
      } satisfies Headline,
    ]),
  ) as unknown as SituationReport['headline'];
  const dayQuery = {
    since: p.current.since,
    until: p.current.until,
    ...(country !== undefined ? { country } : {}),
  };
  const daily = o.daily
    ? await o.daily(dayQuery)
    : await dailyFigures(store, { ...dayQuery, ...(latest !== undefined ? { lastDay: latest } : {}) });
  const organisations: Record<string, Organisation> = {};
  if (o.organisation)
    for (const row of [...stats.topNetworks, ...stats.websitesByOwner, ...(yearOnYear?.topNetworks ?? [])]) {
      if (row.kind !== 'org' || row.key === null || Object.hasOwn(organisations, row.key)) continue;
      const org = o.organisation(row.key);
      if (org) organisations[row.key] = { name: org.name, sector: org.sector ?? null };
    }
  return {
    ok: true,
    report: {
      kind: 'accord-situation-report',
      generatedAt: o.now ?? new Date().toISOString(),
      period: p,
      country: country ?? null,
      dataUntil: latest ?? null,
      headline,
      stats,
      yearOnYear,
      c2Countries: current.c2ByCountry.map((r) => ({ key: r.key, servers: r.servers, hosts: r.hosts })),
      daily,
      organisations,
    },
  };
}
