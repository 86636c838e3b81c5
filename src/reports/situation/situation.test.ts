/**
 * The situation report over the hand-made national data set of the store contract (every figure
 * known), in the memory store: periods, the model against `accord stats`' builder, the HTML page.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { EXPECTED_CURRENT, statsDataSet } from '../../storage/stats.contract.js';
import { prepare } from '../../storage/store.contract.js';
import { statsReport } from '../stats/report.js';
import { escapeHtml, renderSituationHtml } from './html.js';
import { situationReport } from './model.js';
import { parseReportPeriod } from './period.js';

const HOSTILE = '<script>alert("x")</script>&family';

async function store(): Promise<MemoryStore> {
  const s = new MemoryStore();
  const base = statsDataSet(prepare);
  const extra = [
    // A family name an attacker chose, on a C2 server in the current period.
    prepare({
      'time.source': '2026-10-29T10:00:00Z',
      'classification.type': 'infected-system',
      'source.ip': '198.51.100.77',
      'source.geolocation.cc': 'AT',
      'source.asn': 64496,
      'destination.ip': '203.0.113.77',
      'destination.geolocation.cc': 'FR',
      'malware.name': HOSTILE,
    }),
    // A year before: one infected host talking to a C2 in the US.
    prepare({
      'time.source': '2025-10-28T10:00:00Z',
      'classification.type': 'infected-system',
      'source.ip': '198.51.100.90',
      'source.geolocation.cc': 'AT',
      'source.asn': 64496,
      'destination.ip': '203.0.113.90',
      'destination.geolocation.cc': 'US',
      'malware.name': 'emotet',
    }),
  ];
  await s.writeBatch({ events: [...base, ...extra], quarantine: [] });
  return s;
}

describe('report periods', () => {
  it('a year, quarter, month or days, each with its previous period and a year before', () => {
    const y = parseReportPeriod('2024');
    expect(y.ok && y.value).toMatchObject({
      kind: 'year',
      label: '2024',
      current: { since: '2024-01-01', until: '2024-12-31', days: 366 },
      previous: { since: '2023-01-01', until: '2023-12-31', days: 365 },
      yearAgo: { since: '2023-01-01', until: '2023-12-31' },
    });
    const q = parseReportPeriod('2026-q1');
    expect(q.ok && q.value).toMatchObject({
      label: '2026-Q1',
      current: { since: '2026-01-01', until: '2026-03-31', days: 90 },
      previous: { since: '2025-10-01', until: '2025-12-31' },
      yearAgo: { since: '2025-01-01', until: '2025-03-31' },
    });
    const m = parseReportPeriod('2024-03');
    expect(m.ok && m.value).toMatchObject({
      title: 'March 2024',
      current: { since: '2024-03-01', until: '2024-03-31', days: 31 },
      previous: { since: '2024-02-01', until: '2024-02-29', days: 29 },
      yearAgo: { since: '2023-03-01', until: '2023-03-31' },
    });
    const jan = parseReportPeriod('2026-01');
    expect(jan.ok && jan.value.previous).toEqual({ since: '2025-12-01', until: '2025-12-31', days: 31 });
    const d = parseReportPeriod('2024-02-29..2024-03-02');
    expect(d.ok && d.value).toMatchObject({
      kind: 'days',
      current: { since: '2024-02-29', until: '2024-03-02', days: 3 },
      previous: { since: '2024-02-26', until: '2024-02-28', days: 3 },
      yearAgo: { since: '2023-02-28', until: '2023-03-02' },
    });
  });

  it('anything else is an error saying what is accepted', () => {
    for (const [text, msg] of [
      ['last year', 'expected a year (2026), a quarter (2026-Q3), a month (2026-10) or days'],
      ['2026-13', 'the month must be 01 to 12'],
      ['2026-Q5', 'expected a year'],
      ['2026-02-30..2026-03-01', '2026-02-30 is not a day'],
      ['2026-10-05..2026-10-01', '2026-10-01 is before 2026-10-05'],
      ['', 'expected a year'],
    ] as const) {
      const r = parseReportPeriod(text);
      expect(r.ok, text).toBe(false);
      if (!r.ok) expect(r.error).toContain(msg);
    }
  });
});

describe('situation report model', () => {
  it("has exactly accord stats' figures for a range of days, and a year-on-year comparison", async () => {
    const s = await store();
    const r = await situationReport(s, {
      period: '2026-10-27..2026-10-30',
      country: 'at',
      today: '2026-11-22',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const stats = await statsReport(s, {
      since: '2026-10-27',
      until: '2026-10-30',
      country: 'AT',
      today: '2026-11-22',
    });
    expect(stats.ok && r.report.stats).toEqual(stats.ok && stats.report);
    // The hostile family adds one host and one C2 server to the contract's figures.
    expect(r.report.headline.infectedHosts).toMatchObject({
      current: EXPECTED_CURRENT.infectedHosts + 1,
      yearAgo: 1, // 2025-10-28: one host
      yearOnYearPercent: 700,
    });
    expect(r.report.yearOnYear?.period).toMatchObject({ since: '2026-10-27', until: '2026-10-30' });
    expect(r.report.yearOnYear?.previousPeriod).toEqual({
      since: '2025-10-27',
      until: '2025-10-30',
      days: 4,
    });
    // No data a year before: no year-on-year comparison.
    const late = await situationReport(s, {
      period: '2026-10-30..2026-10-31',
      country: 'AT',
      today: '2026-11-22',
    });
    expect(late.ok && late.report.yearOnYear).toBeNull();
    expect(late.ok && late.report.headline.infectedHosts).toMatchObject({
      yearAgo: null,
      yearOnYearPercent: null,
    });
    const oct = await situationReport(s, { period: '2026-10', country: 'AT', today: '2026-11-22' });
    expect(oct.ok && oct.report.yearOnYear?.infectedHosts).toMatchObject({ previous: 1 });
    expect(oct.ok && oct.report.headline.infectedHosts.yearAgo).toBe(1);
    // Per day: each day's figure is that day's statistics.
    if (!oct.ok) return;
    expect(oct.report.daily).toHaveLength(31);
    for (const d of oct.report.daily) {
      const f = await s.statsFigures({ since: d.day, until: d.day, country: 'AT' });
      expect([d.day, d.infectedHosts, d.c2ServersAbroad]).toEqual([
        d.day,
        f.infectedHosts,
        f.c2ServersAbroad,
      ]);
    }
    expect(oct.report.daily.find((d) => d.day === '2026-10-28')?.infectedHosts).toBeGreaterThan(0);
  });

  it('rejects a bad period or country', async () => {
    const s = await store();
    expect(await situationReport(s, { period: '2026-1', today: '2026-11-22' })).toMatchObject({ ok: false });
    expect(
      await situationReport(s, { period: '2026', country: 'Austria', today: '2026-11-22' }),
    ).toMatchObject({
      ok: false,
      error: expect.stringContaining('two-letter'),
    });
  });

  it('defaults to the year of the latest observation day', async () => {
    const r = await situationReport(await store(), { today: '2030-01-01' });
    expect(r.ok && r.report.period.label).toBe('2026');
  });
});

describe('situation report page', () => {
  it('escapes text from data; has the numbers, sentences, charts and map as inline SVG; makes no request', async () => {
    const r = await situationReport(await store(), { period: '2026-10', country: 'AT', today: '2026-11-22' });
    if (!r.ok) throw new Error(r.error);
    const html = renderSituationHtml(r.report);
    expect(html).not.toContain('<script');
    expect(html).toContain(escapeHtml(HOSTILE));
    expect(html).toContain('&lt;script&gt;');
    const h = r.report.headline;
    expect(html).toContain(`<td class="num big" data-figure="infectedHosts">${h.infectedHosts.current}</td>`);
    expect(html).toContain(
      `Accord saw <strong>${h.infectedHosts.current}</strong> infected hosts in Austria`,
    );
    expect(html).toContain('October 2026');
    for (const chart of ['world-map', 'daily', 'families', 'networks'])
      expect(html).toMatch(new RegExp(`data-chart="${chart}"><svg `));
    // The map has shapes for the C2 countries (echarts' SVG paths), coloured by the visual map.
    expect((html.match(/<path /g) ?? []).length).toBeGreaterThan(150);
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/url\((?!#)/i); // only references inside the page
    expect(html).toContain('United States (US)');
  });

  it('names constituency organisations (escaped) when the constituency is known', async () => {
    const r = await situationReport(await store(), {
      period: '2026-10',
      country: 'AT',
      today: '2026-11-22',
      organisation: (id) =>
        id === 'isp-a' ? { name: 'ISP <A> & Co', sector: 'telecommunications' } : undefined,
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.report.organisations).toEqual({
      'isp-a': { name: 'ISP <A> & Co', sector: 'telecommunications' },
    });
    const html = renderSituationHtml(r.report);
    expect(html).toContain('<td>ISP &lt;A&gt; &amp; Co (isp-a, telecommunications)</td>');
    expect(html).toContain('<td>AS64496 (no constituency organisation)</td>');
  });

  it('an empty store gives a page of zeros saying there is nothing, not a broken one', async () => {
    const r = await situationReport(new MemoryStore(), {
      period: '2026',
      country: 'AT',
      today: '2026-11-22',
    });
    if (!r.ok) throw new Error(r.error);
    expect(r.report.dataUntil).toBeNull();
    expect(r.report.daily).toHaveLength(365);
    const html = renderSituationHtml(r.report);
    expect(html).toContain(
      'Accord saw <strong>0</strong> infected hosts in Austria, none in the year before either.',
    );
    expect(html).toContain('None in this period.');
    expect(html).toMatch(/data-chart="world-map"><svg /);
    expect(html).not.toContain('data-chart="families"');
  });

  it('escapeHtml covers the five characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });
});
