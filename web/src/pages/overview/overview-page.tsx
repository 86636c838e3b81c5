/**
 * The national situation at a glance: headline figures against the previous period, C2 servers
 * abroad on a world map and in a table, infected hosts per day, top families, foreign ASNs and
 * domestic networks. Period and filters live in the URL, so a view can be shared and reloaded.
 */
import { lazy, type ReactNode, Suspense, useMemo } from 'react';
import { apiUrl } from '../../api/client';
import type { C2Row, DailyStats, OwnerRow, StatsReport } from '../../api/types';
import { useApi } from '../../api/use-api';
import { type Bar, BarChart } from '../../charts/bar-chart';
import { DailyChart } from '../../charts/daily-chart';
import { COLORS } from '../../charts/echarts';
import { FigureCard } from '../../components/figure-card';
import { FilterChips } from '../../components/filter-chips';
import { PeriodPicker } from '../../components/period-picker';
import { Empty, ErrorBox, Loading } from '../../components/status';
import { countryName } from '../../lib/country-name';
import { formatInt, plural } from '../../lib/format';
import {
  activeFilters,
  type FilterKey,
  type OverviewQuery,
  parseOverviewQuery,
  toParams,
  toSearch,
  withFilter,
  withoutFilter,
  withPeriod,
} from '../../lib/overview-query';
import { navigate, useLocation } from '../../router/router';
import { CountryTable } from './country-table';

const WorldMap = lazy(() => import('../../charts/world-map'));

/** Rows per breakdown asked of the API: every country fits; the charts show the first TOP. */
const ROWS = 250;
const TOP = 10;

const asnLabel = (key: string): string => (/^\d+$/.test(key) ? `AS${key}` : key.toUpperCase());

function familyBars(rows: readonly C2Row[]): Bar[] {
  const byHosts = [...rows].sort((a, b) => b.hosts.current - a.hosts.current);
  return byHosts.slice(0, TOP).map((r) => ({
    key: r.key ?? undefined,
    label: r.key ?? 'unknown family',
    value: r.hosts.current,
    note: `C2 servers: ${formatInt(r.servers.current)}`,
  }));
}

function asnBars(rows: readonly C2Row[]): Bar[] {
  return rows.slice(0, TOP).map((r) => ({
    key: r.key === null ? undefined : asnLabel(r.key),
    label: r.key === null ? 'unknown AS' : asnLabel(r.key),
    value: r.servers.current,
    note: `Hosts controlled: ${formatInt(r.hosts.current)}`,
  }));
}

function networkBars(rows: readonly OwnerRow[], orgNames: ReadonlyMap<string, string>): Bar[] {
  return rows.slice(0, TOP).map((r) => ({
    key: r.key ?? undefined,
    label: r.key === null ? 'unknown owner' : r.kind === 'org' ? (orgNames.get(r.key) ?? r.key) : r.key,
    value: r.count.current,
    note:
      r.kind === 'org'
        ? 'constituency organisation'
        : r.kind === 'asn'
          ? 'autonomous system'
          : 'owner unknown',
  }));
}

function Panel({
  title,
  subtitle,
  children,
  className,
}: {
  readonly title: string;
  readonly subtitle?: string;
  readonly children: ReactNode;
  readonly className?: string;
}) {
  return (
    <section className={`panel ${className ?? ''}`}>
      <header className="panel-head">
        <h2>{title}</h2>
        {subtitle ? <p className="muted small">{subtitle}</p> : null}
      </header>
      {children}
    </section>
  );
}

export default function OverviewPage() {
  const { search } = useLocation();
  const query = useMemo(() => parseOverviewQuery(search), [search]);
  const params = toParams(query);
  const statsUrl = apiUrl('/api/v1/stats', new URLSearchParams([...params, ['top', String(ROWS)]]));
  const dailyUrl = apiUrl('/api/v1/stats/daily', params);
  const stats = useApi<StatsReport>(statsUrl);
  const daily = useApi<DailyStats>(dailyUrl);
  // Organisation names for the networks chart (ids without them when this fails).
  const constituency = useApi<{ items: ReadonlyArray<{ id: string; name: string }> }>('/api/v1/constituency');
  const orgNames = useMemo(
    () => new Map((constituency.data?.items ?? []).map((o) => [o.id, o.name] as const)),
    [constituency.data],
  );

  const go = (q: OverviewQuery) => navigate(`/${toSearch(q)}`);
  /** Set a filter; choosing the value already set removes it (a second click undoes the first). */
  const setFilter = (key: FilterKey, value: string) =>
    go(query[key] === value ? withoutFilter(query, key) : withFilter(query, key, value));
  const removeFilter = (key: FilterKey) => go(withoutFilter(query, key));
  const filters = activeFilters(query);

  const report = stats.data;
  const stale = stats.state === 'loading' && report !== undefined;

  return (
    <div className="page overview">
      <div className="page-head">
        <div>
          <h1>National situation</h1>
          {report ? (
            <p className="muted">
              {report.country
                ? `Domestic: ${countryName(report.country)} (${report.country}) and the constituency. `
                : ''}
              Compared with {report.previousPeriod.since} – {report.previousPeriod.until}.
            </p>
          ) : null}
        </div>
        <PeriodPicker
          since={report?.period.since}
          until={report?.period.until}
          isDefault={query.since === undefined && query.until === undefined}
          onChange={(since, until) => go(withPeriod(query, since, until))}
        />
      </div>

      <FilterChips filters={filters} onRemove={removeFilter} />

      {stats.state === 'error' ? <ErrorBox error={stats.error} onRetry={stats.reload} /> : null}
      {report === undefined && stats.state === 'loading' ? <Loading what="Loading the figures" /> : null}

      {report ? (
        <div className={stale ? 'stale' : undefined} aria-busy={stale}>
          <div className="figures">
            <FigureCard label="Infected hosts" figure={report.infectedHosts} testid="figure-infected-hosts" />
            <FigureCard
              label="Hosts talking to C2 abroad"
              figure={report.hostsTalkingToC2Abroad}
              testid="figure-hosts-c2-abroad"
            />
            <FigureCard
              label="C2 servers abroad"
              figure={report.c2ServersAbroad}
              testid="figure-c2-servers-abroad"
            />
            <FigureCard
              label="Compromised websites"
              figure={report.compromisedWebsites}
              testid="figure-compromised-websites"
            />
          </div>
          {report.warninglistedExcluded.current > 0 ? (
            <p className="muted small">
              {formatInt(report.warninglistedExcluded.current)} warninglisted observations (sinkholes, public
              resolvers, …) are left out of the C2 counts.
            </p>
          ) : null}

          <div className="grid-map">
            <Panel
              title="C2 servers abroad by country"
              subtitle="Colour: C2 servers; hover for the domestic hosts they control. Click to filter."
            >
              {report.c2ByCountry.length === 0 ? (
                <Empty>No C2 servers abroad in this period.</Empty>
              ) : (
                <Suspense fallback={<Loading what="Loading the map" />}>
                  <WorldMap
                    rows={report.c2ByCountry}
                    selected={query.c2Country}
                    onSelect={(cc) => setFilter('c2Country', cc)}
                  />
                </Suspense>
              )}
            </Panel>
            <Panel title="C2 countries" subtitle={plural(report.totals.c2Countries, 'country', 'countries')}>
              {report.c2ByCountry.length === 0 ? (
                <Empty>No countries.</Empty>
              ) : (
                <CountryTable
                  rows={report.c2ByCountry}
                  total={report.totals.c2Countries}
                  selected={query.c2Country}
                  onSelect={(cc) => setFilter('c2Country', cc)}
                />
              )}
            </Panel>
          </div>

          <Panel
            title="Infected hosts per day"
            subtitle="Distinct domestic hosts seen each day; C2 servers abroad on the right axis."
          >
            {daily.state === 'error' ? (
              <ErrorBox error={daily.error} onRetry={daily.reload} />
            ) : daily.data === undefined ? (
              <Loading what="Loading the days" />
            ) : daily.data.days.every((d) => d.infectedHosts === 0 && d.c2Servers === 0) ? (
              <Empty>No infected hosts seen in this period.</Empty>
            ) : (
              <DailyChart days={daily.data.days} />
            )}
          </Panel>

          <div className="grid-3">
            <Panel title="Top families" subtitle="Domestic hosts controlled. Click to filter.">
              {report.c2ByFamily.length === 0 ? (
                <Empty>No families.</Empty>
              ) : (
                <BarChart
                  bars={familyBars(report.c2ByFamily)}
                  valueName="Hosts controlled"
                  label="Top malware families by domestic hosts controlled"
                  selected={query.family}
                  onSelect={(f) => setFilter('family', f)}
                  testid="chart-families"
                />
              )}
            </Panel>
            <Panel title="Top foreign ASNs" subtitle="C2 servers abroad per network. Click to pivot.">
              {report.c2ByAsn.length === 0 ? (
                <Empty>No foreign networks.</Empty>
              ) : (
                <BarChart
                  bars={asnBars(report.c2ByAsn)}
                  valueName="C2 servers"
                  label="Top foreign autonomous systems by C2 servers"
                  color={COLORS.danger}
                  onSelect={(asn) => navigate(`/pivot?q=${encodeURIComponent(asn)}`)}
                  testid="chart-asns"
                />
              )}
            </Panel>
            <Panel title="Top domestic networks" subtitle="Infected hosts per owner. Click to filter.">
              {report.topNetworks.length === 0 ? (
                <Empty>No domestic networks with infected hosts.</Empty>
              ) : (
                <BarChart
                  bars={networkBars(report.topNetworks, orgNames)}
                  valueName="Infected hosts"
                  label="Top domestic networks by infected hosts"
                  selected={query.network}
                  onSelect={(n) => setFilter('network', n)}
                  testid="chart-networks"
                />
              )}
            </Panel>
          </div>
        </div>
      ) : null}
    </div>
  );
}
