/**
 * The situation report as one self-contained printable HTML page (inline CSS and SVG, no script,
 * no external request): title, period, a summary written as sentences, the headline figures,
 * the world map of C2 servers, charts and tables. Every text that comes from data is escaped.
 */
import { countryName } from '../../domain/country-codes.js';
import type { C2Row, Compared, OwnerRow, StatsReport } from '../stats/report.js';
import { barChartSvg, dailyChartSvg, worldMapSvg } from './charts.js';
import type { Headline, SituationReport } from './model.js';

/** Text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const e = escapeHtml;
const n = (v: number) => v.toLocaleString('en-US');

function changeCell(c: Compared): string {
  const cls = c.current > c.previous ? 'up' : c.current < c.previous ? 'down' : 'same';
  const text =
    c.changePercent === null
      ? c.current > 0
        ? 'new'
        : '–'
      : `${c.changePercent > 0 ? '+' : ''}${c.changePercent}%`;
  return `<td class="num ${cls}">${e(text)}</td>`;
}

const span = (p: { since: string; until: string; days: number }) =>
  `${p.since} to ${p.until} (${n(p.days)} day${p.days === 1 ? '' : 's'})`;

function countryLabel(key: string | null): string {
  if (key === null) return 'unknown';
  const name = countryName(key);
  return name === key ? key : `${name} (${key})`;
}

function ownerLabel(r: OwnerRow, orgs: SituationReport['organisations']): string {
  if (r.kind === 'unknown' || r.key === null) return 'unknown owner';
  if (r.kind === 'asn') return `${r.key} (no constituency organisation)`;
  const org = Object.hasOwn(orgs, r.key) ? orgs[r.key] : undefined;
  return org ? `${org.name} (${r.key}${org.sector ? `, ${org.sector}` : ''})` : r.key;
}

/** "up 12.5% from the previous period (1,234)", "none in the previous period", ... */
function versus(current: number, previous: number, pct: number | null, when: string): string {
  if (previous === 0) return current === 0 ? `none in ${when} either` : `none in ${when}`;
  if (current === previous) return `the same as in ${when}`;
  const how = pct === null ? 'changed' : pct > 0 ? `up ${pct}%` : `down ${Math.abs(pct)}%`;
  return `${how} from ${when} (${n(previous)})`;
}

function vs(h: Headline, r: SituationReport): string {
  const year = r.period.kind === 'year';
  const parts = [
    versus(h.current, h.previous, h.changePercent, year ? 'the year before' : 'the previous period'),
  ];
  if (h.yearAgo !== null && !year)
    parts.push(versus(h.current, h.yearAgo, h.yearOnYearPercent, 'the same period a year before'));
  return parts.join(' and ');
}

function summary(r: SituationReport): string {
  const h = r.headline;
  const where = r.country !== null ? `in ${countryName(r.country)}` : 'in the constituency';
  const s: string[] = [];
  s.push(
    `In ${e(r.period.title)} (${e(span(r.period.current))}), Accord saw <strong>${n(h.infectedHosts.current)}</strong> infected hosts ${e(where)}, ${e(vs(h.infectedHosts, r))}.`,
  );
  const top = r.stats.c2ByCountry[0];
  s.push(
    `<strong>${n(h.hostsTalkingToC2Abroad.current)}</strong> of them were controlled by <strong>${n(h.c2ServersAbroad.current)}</strong> command-and-control (C2) servers abroad in ${n(r.stats.totals.c2Countries)} countries` +
      (top && top.key !== null
        ? `, most of them in ${e(countryLabel(top.key))} (${n(top.servers.current)} servers controlling ${n(top.hosts.current)} hosts).`
        : '.'),
  );
  s.push(`The number of C2 servers abroad was ${e(vs(h.c2ServersAbroad, r))}.`);
  const fam = r.stats.c2ByFamily[0];
  if (fam)
    s.push(
      `The most widespread family was ${e(fam.key ?? 'unknown')}, with ${n(fam.servers.current)} C2 servers and ${n(fam.hosts.current)} infected hosts.`,
    );
  s.push(
    `<strong>${n(h.compromisedWebsites.current)}</strong> domestic websites were seen compromised, ${e(vs(h.compromisedWebsites, r))}.`,
  );
  if (h.warninglistedExcluded.current > 0)
    s.push(
      `${n(h.warninglistedExcluded.current)} observations whose address is on a warninglist (sinkholes, public resolvers and the like) were left out of the C2 figures.`,
    );
  if (r.yearOnYear === null && r.period.kind !== 'year')
    s.push(
      'The store holds no data for the same period a year before, so there is no year-on-year comparison.',
    );
  return s.join(' ');
}

const HEADLINE_ROWS: ReadonlyArray<[keyof SituationReport['headline'], string]> = [
  ['infectedHosts', 'Infected hosts (domestic)'],
  ['hostsTalkingToC2Abroad', '… controlled by C2 servers abroad'],
  ['c2ServersAbroad', 'C2 servers abroad'],
  ['compromisedWebsites', 'Compromised websites (domestic)'],
  ['warninglistedExcluded', 'Observations left out (warninglists)'],
];

function headlineTable(r: SituationReport): string {
  // A year's previous period is the year before: one comparison.
  const year = r.period.kind === 'year';
  const rows = HEADLINE_ROWS.map(([k, label]) => {
    const h = r.headline[k];
    const yoy = year
      ? ''
      : h.yearAgo === null
        ? '<td class="num">–</td><td class="num">–</td>'
        : `<td class="num">${n(h.yearAgo)}</td>${changeCell({ current: h.current, previous: h.yearAgo, changePercent: h.yearOnYearPercent })}`;
    return `<tr><th scope="row">${e(label)}</th><td class="num big" data-figure="${e(k)}">${n(h.current)}</td><td class="num">${n(h.previous)}</td>${changeCell(h)}${yoy}</tr>`;
  });
  const range = (p: { since: string; until: string }) => `<br><small>${e(p.since)} to ${e(p.until)}</small>`;
  const heads = [
    '<th></th>',
    `<th class="num">${e(r.period.label)}${range(r.period.current)}</th>`,
    `<th class="num">${year ? 'The year before' : 'Previous period'}${range(r.period.previous)}</th>`,
    '<th class="num">Change</th>',
    ...(year
      ? []
      : [`<th class="num">A year before${range(r.period.yearAgo)}</th>`, '<th class="num">Change</th>']),
  ];
  return `<table class="figures"><thead><tr>${heads.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function c2Table(rows: readonly C2Row[], keyHead: string, label: (k: string | null) => string): string {
  if (rows.length === 0) return '<p class="empty">None in this period.</p>';
  const body = rows
    .map(
      (r, i) =>
        `<tr><td class="num">${i + 1}</td><td>${e(label(r.key))}</td><td class="num">${n(r.servers.current)}</td>${changeCell(r.servers)}<td class="num">${n(r.hosts.current)}</td>${changeCell(r.hosts)}</tr>`,
    )
    .join('');
  return `<table><thead><tr><th class="num">#</th><th>${e(keyHead)}</th><th class="num">C2 servers</th><th class="num">Change</th><th class="num">Hosts controlled</th><th class="num">Change</th></tr></thead><tbody>${body}</tbody></table>`;
}

function ownerTable(
  rows: readonly OwnerRow[],
  countHead: string,
  orgs: SituationReport['organisations'],
): string {
  if (rows.length === 0) return '<p class="empty">None in this period.</p>';
  const body = rows
    .map(
      (r, i) =>
        `<tr><td class="num">${i + 1}</td><td>${e(ownerLabel(r, orgs))}</td><td class="num">${n(r.count.current)}</td><td class="num">${n(r.count.previous)}</td>${changeCell(r.count)}</tr>`,
    )
    .join('');
  return `<table><thead><tr><th class="num">#</th><th>Owner</th><th class="num">${e(countHead)}</th><th class="num">Previous</th><th class="num">Change</th></tr></thead><tbody>${body}</tbody></table>`;
}

const cutNote = (shown: number, total: number) =>
  shown < total ? ` <small>(top ${n(shown)} of ${n(total)})</small>` : '';

const CSS = `
@page { size: A4; margin: 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #1f2933; margin: 0 auto; max-width: 190mm; font-size: 10.5pt; line-height: 1.45; }
header { border-bottom: 3px solid #1d4e89; padding-bottom: 6px; margin-bottom: 14px; }
header .kicker { text-transform: uppercase; letter-spacing: .08em; color: #1d4e89; font-size: 9pt; font-weight: bold; }
h1 { font-size: 20pt; margin: 2px 0 4px; }
h2 { font-size: 13pt; color: #1d4e89; border-bottom: 1px solid #cbd2d9; padding-bottom: 2px; margin: 18px 0 8px; }
.meta { color: #52606d; font-size: 9pt; }
.summary { background: #f5f7fa; border-left: 4px solid #1d4e89; padding: 8px 12px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 9.5pt; }
th, td { padding: 3px 6px; border-bottom: 1px solid #e4e7eb; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #9aa5b1; font-size: 8.5pt; color: #52606d; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.big { font-weight: bold; font-size: 11pt; }
.up { color: #b42318; } .down { color: #1a7f37; } .same { color: #52606d; }
.chart { margin: 4px 0; page-break-inside: avoid; break-inside: avoid; }
.chart svg { width: 100%; height: auto; }
section { page-break-inside: auto; }
tr { page-break-inside: avoid; break-inside: avoid; }
.empty { color: #7b8794; font-style: italic; }
footer { margin-top: 20px; border-top: 1px solid #cbd2d9; padding-top: 6px; color: #7b8794; font-size: 8.5pt; }
`;

/** The whole page. */
export function renderSituationHtml(r: SituationReport): string {
  const s: StatsReport = r.stats;
  const where = r.country !== null ? countryName(r.country) : 'the constituency';
  const mapRows = r.c2Countries.flatMap((c) =>
    c.key === null ? [] : [{ cc: c.key, servers: c.servers, hosts: c.hosts }],
  );
  const families = s.c2ByFamily.map((f) => ({
    label: f.key ?? 'unknown',
    value: f.servers.current,
    second: f.hosts.current,
  }));
  const networks = s.topNetworks.map((o) => ({
    label: ownerLabel(o, r.organisations),
    value: o.count.current,
  }));
  const body = `
<header>
  <div class="kicker">National situation report</div>
  <h1>Botnets, C2 servers and compromised websites: ${e(r.period.title)}</h1>
  <div class="meta">Period ${e(span(r.period.current))} · compared with ${e(span(r.period.previous))} and ${e(span(r.period.yearAgo))} · national country: ${e(r.country ?? 'none (constituency data only)')} · data until ${e(r.dataUntil ?? 'no data')} · generated ${e(r.generatedAt)}</div>
</header>
<section id="summary">
  <h2>Summary</h2>
  <p class="summary">${summary(r)}</p>
</section>
<section id="figures">
  <h2>Headline figures</h2>
  ${headlineTable(r)}
</section>
<section id="map">
  <h2>C2 servers abroad controlling hosts in ${e(where)}, by country</h2>
  <div class="chart" data-chart="world-map">${worldMapSvg(mapRows)}</div>
  <h3>C2 countries${cutNote(s.c2ByCountry.length, s.totals.c2Countries)}</h3>
  ${c2Table(s.c2ByCountry, 'Country', countryLabel)}
</section>
<section id="daily">
  <h2>Infected hosts per day</h2>
  <div class="chart" data-chart="daily">${dailyChartSvg(r.daily)}</div>
</section>
<section id="families">
  <h2>Malware families${cutNote(s.c2ByFamily.length, s.totals.c2Families)}</h2>
  ${families.length > 0 ? `<div class="chart" data-chart="families">${barChartSvg({ rows: families, valueName: 'C2 servers', secondName: 'Hosts controlled' })}</div>` : ''}
  ${c2Table(s.c2ByFamily, 'Family', (k) => k ?? 'unknown')}
</section>
<section id="asns">
  <h2>Foreign networks (ASNs) hosting C2 servers${cutNote(s.c2ByAsn.length, s.totals.c2Asns)}</h2>
  ${c2Table(s.c2ByAsn, 'AS', (k) => (k === null ? 'unknown' : `AS${k}`))}
</section>
<section id="networks">
  <h2>Domestic networks with infected hosts${cutNote(s.topNetworks.length, s.totals.networks)}</h2>
  ${networks.length > 0 ? `<div class="chart" data-chart="networks">${barChartSvg({ rows: networks, valueName: 'Infected hosts' })}</div>` : ''}
  ${ownerTable(s.topNetworks, 'Infected hosts', r.organisations)}
</section>
<section id="websites">
  <h2>Compromised websites by owner${cutNote(s.websitesByOwner.length, s.totals.websiteOwners)}</h2>
  ${ownerTable(s.websitesByOwner, 'Websites', r.organisations)}
</section>
<footer>
  Produced by Accord from the observations in its store. An infected host is a distinct domestic
  address reported as infected in the period; a C2 server abroad is a distinct foreign address such
  hosts talked to; observations on warninglists are left out of the C2 figures. Domestic means: in
  the constituency, or geolocated in the national country where there is no constituency data.
  Changes compare with the previous period and with the same period a year before
  (docs/report.md defines every figure).
</footer>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>National situation report: ${e(r.period.title)}</title>
<style>${CSS}</style>
</head>
<body>${body}
</body>
</html>
`;
}
