/** The statistics report as text for a terminal: headline figures, then aligned tables. */
import type { C2Row, Compared, OwnerRow, StatsReport } from './report.js';

const int = (n: number): string => Math.round(n).toLocaleString('en');

export function change(c: Compared): string {
  if (c.changePercent === null) return c.current === 0 ? '' : 'new';
  return `${c.changePercent > 0 ? '+' : ''}${c.changePercent.toFixed(1)}%`;
}

/** Columns: the first left-aligned, the rest right-aligned; two spaces between. */
export function alignedTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  indent = '  ',
): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map(
      (r) =>
        indent +
        r
          .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
          .join('  ')
          .trimEnd(),
    )
    .join('\n');
}

const figure = (c: Compared) => [int(c.current), int(c.previous), change(c)];

function c2Table(title: string, keyName: string, rows: readonly C2Row[], total: number) {
  const heading = `${title} (${rows.length < total ? `top ${rows.length} of ${int(total)}` : int(total)})`;
  if (rows.length === 0) return `${heading}\n  none`;
  return `${heading}\n${alignedTable(
    [keyName, 'C2 servers', 'previous', 'change', 'hosts', 'previous', 'change'],
    rows.map((x) => [
      x.key === null ? 'unknown' : keyName === 'AS' ? `AS${x.key}` : x.key,
      ...figure(x.servers),
      ...figure(x.hosts),
    ]),
  )}`;
}

function ownerTable(title: string, what: string, rows: readonly OwnerRow[], total: number) {
  const heading = `${title} (${rows.length < total ? `top ${rows.length} of ${int(total)}` : int(total)})`;
  if (rows.length === 0) return `${heading}\n  none`;
  return `${heading}\n${alignedTable(
    ['owner', what, 'previous', 'change'],
    rows.map((x) => [x.key ?? 'unknown (no organisation or AS)', ...figure(x.count)]),
  )}`;
}

export function renderReport(r: StatsReport): string {
  const p = r.period;
  const q = r.previousPeriod;
  const out: string[] = [
    `Period ${p.since} to ${p.until} (${p.days} days; ${p.basis}), compared with ${q.since} to ${q.until}`,
    r.country !== null
      ? `Domestic: the constituency, or where an address has no constituency data, geolocated in ${r.country}`
      : 'Domestic: the constituency only (no --country: addresses without constituency data are not counted)',
    '',
    alignedTable(
      ['', 'this period', 'previous', 'change'],
      [
        ['Domestic hosts seen infected', ...figure(r.infectedHosts)],
        ['  of which talk to C2 servers abroad', ...figure(r.hostsTalkingToC2Abroad)],
        ['C2 servers abroad controlling them', ...figure(r.c2ServersAbroad)],
        ['Compromised domestic websites', ...figure(r.compromisedWebsites)],
        ['Warninglisted observations left out of C2 counts', ...figure(r.warninglistedExcluded)],
      ],
      '',
    ),
    '',
    c2Table('C2 servers abroad by country', 'country', r.c2ByCountry, r.totals.c2Countries),
    '',
    c2Table('C2 servers abroad by family', 'family', r.c2ByFamily, r.totals.c2Families),
    '',
    c2Table('C2 servers abroad by network', 'AS', r.c2ByAsn, r.totals.c2Asns),
    '',
    ownerTable('Domestic networks with infected hosts', 'hosts', r.topNetworks, r.totals.networks),
    '',
    ownerTable(
      'Compromised domestic websites by owner',
      'websites',
      r.websitesByOwner,
      r.totals.websiteOwners,
    ),
  ];
  return `${out.join('\n')}\n`;
}
