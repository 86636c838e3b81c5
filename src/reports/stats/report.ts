/**
 * The statistics report: a period's figures beside the previous period of the same length, with
 * the change in percent. Pure: `buildReport` takes the two periods' figures as the store gave them.
 */
import type { C2Breakdown, OwnerCount, PeriodFigures, StatsFilter, Store } from '../../storage/store.js';
import { COMPROMISED, INFECTED } from './figures.js';
import { type Period, type ResolvedPeriods, resolvePeriods } from './period.js';

/** A figure now, in the previous period, and the change in percent (null when previous is 0). */
export interface Compared {
  readonly current: number;
  readonly previous: number;
  readonly changePercent: number | null;
}

export interface C2Row {
  /** Country code, family or ASN; null: the observations do not say. */
  readonly key: string | null;
  readonly servers: Compared;
  readonly hosts: Compared;
}

export interface OwnerRow {
  readonly kind: OwnerCount['kind'];
  readonly key: string | null;
  readonly count: Compared;
}

export interface StatsReport {
  readonly period: Period & { readonly basis: string };
  readonly previousPeriod: Period;
  /** The national country used where no constituency data says what is domestic (null: none). */
  readonly country: string | null;
  readonly infectedHosts: Compared;
  readonly hostsTalkingToC2Abroad: Compared;
  readonly c2ServersAbroad: Compared;
  readonly warninglistedExcluded: Compared;
  readonly compromisedWebsites: Compared;
  /** Top rows of the current period (at most `top`), each beside its previous-period figures. */
  readonly c2ByCountry: readonly C2Row[];
  readonly c2ByFamily: readonly C2Row[];
  readonly c2ByAsn: readonly C2Row[];
  readonly topNetworks: readonly OwnerRow[];
  readonly websitesByOwner: readonly OwnerRow[];
  /** Rows in each breakdown of the current period before the cut to `top`. */
  readonly totals: {
    readonly c2Countries: number;
    readonly c2Families: number;
    readonly c2Asns: number;
    readonly networks: number;
    readonly websiteOwners: number;
  };
  readonly top: number;
}

/** Change from previous to current in percent, one decimal; null when previous is 0. */
export function changePercent(current: number, previous: number): number | null {
  if (previous === 0) return null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

export function compare(current: number, previous: number): Compared {
  return { current, previous, changePercent: changePercent(current, previous) };
}

const cut = <T>(rows: readonly T[], top: number): readonly T[] => (top > 0 ? rows.slice(0, top) : rows);

function c2Rows(cur: readonly C2Breakdown[], prev: readonly C2Breakdown[], top: number): C2Row[] {
  const before = new Map(prev.map((r) => [r.key, r]));
  return cut(cur, top).map((r) => {
    const p = before.get(r.key);
    return {
      key: r.key,
      servers: compare(r.servers, p?.servers ?? 0),
      hosts: compare(r.hosts, p?.hosts ?? 0),
    };
  });
}

function ownerRows(cur: readonly OwnerCount[], prev: readonly OwnerCount[], top: number): OwnerRow[] {
  const id = (r: OwnerCount) => `${r.kind}:${r.key}`;
  const before = new Map(prev.map((r) => [id(r), r]));
  return cut(cur, top).map((r) => ({
    kind: r.kind,
    key: r.key,
    count: compare(r.count, before.get(id(r))?.count ?? 0),
  }));
}

export function buildReport(o: {
  readonly periods: ResolvedPeriods;
  readonly country: string | undefined;
  readonly current: PeriodFigures;
  readonly previous: PeriodFigures;
  /** Rows per breakdown; 0 for all. */
  readonly top: number;
}): StatsReport {
  const { current: c, previous: p, top } = o;
  return {
    period: { ...o.periods.current, basis: o.periods.basis },
    previousPeriod: o.periods.previous,
    country: o.country ?? null,
    infectedHosts: compare(c.infectedHosts, p.infectedHosts),
    hostsTalkingToC2Abroad: compare(c.hostsTalkingToC2Abroad, p.hostsTalkingToC2Abroad),
    c2ServersAbroad: compare(c.c2ServersAbroad, p.c2ServersAbroad),
    warninglistedExcluded: compare(c.warninglistedExcluded, p.warninglistedExcluded),
    compromisedWebsites: compare(c.compromisedWebsites, p.compromisedWebsites),
    c2ByCountry: c2Rows(c.c2ByCountry, p.c2ByCountry, top),
    c2ByFamily: c2Rows(c.c2ByFamily, p.c2ByFamily, top),
    c2ByAsn: c2Rows(c.c2ByAsn, p.c2ByAsn, top),
    topNetworks: ownerRows(c.infectedByOwner, p.infectedByOwner, top),
    websitesByOwner: ownerRows(c.websitesByOwner, p.websitesByOwner, top),
    totals: {
      c2Countries: c.c2ByCountry.length,
      c2Families: c.c2ByFamily.length,
      c2Asns: c.c2ByAsn.length,
      networks: c.infectedByOwner.length,
      websiteOwners: c.websitesByOwner.length,
    },
    top,
  };
}

export interface StatsOptions {
  readonly since?: string;
  readonly until?: string;
  readonly country?: string;
  /** Rows per breakdown (default 10; 0 for all). */
  readonly top?: number;
  /** Today's UTC day (YYYY-MM-DD), for the default period of an empty store. */
  readonly today: string;
  /** Count only observations matching this filter, in both periods (the REST API's /stats). */
  readonly filter?: StatsFilter;
}

export type StatsResult = { ok: true; report: StatsReport } | { ok: false; error: string };

/** Resolve the period, ask the store for both periods' figures, build the report. */
export async function statsReport(store: Store, o: StatsOptions): Promise<StatsResult> {
  const country = o.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    return { ok: false, error: `--country ${o.country}: expected a two-letter country code (ISO 3166-1)` };
  const needsLatest = o.since === undefined && o.until === undefined;
  const latestDay = needsLatest ? await store.latestDay([INFECTED, COMPROMISED]) : undefined;
  const r = resolvePeriods({
    ...(o.since !== undefined ? { since: o.since } : {}),
    ...(o.until !== undefined ? { until: o.until } : {}),
    latestDay,
    today: o.today,
  });
  if (!r.ok) return r;
  const q = (p: Period) => ({
    since: p.since,
    until: p.until,
    ...(country ? { country } : {}),
    ...(o.filter !== undefined ? { filter: o.filter } : {}),
  });
  const current = await store.statsFigures(q(r.value.current));
  const previous = await store.statsFigures(q(r.value.previous));
  return {
    ok: true,
    report: buildReport({ periods: r.value, country, current, previous, top: o.top ?? 10 }),
  };
}
