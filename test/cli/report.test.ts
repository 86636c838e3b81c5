/**
 * `accord report` end to end: the hand-made data set of the store contract plus a generated
 * national sample (accord generate), ingested by the real command; the report's figures are held
 * to `accord stats --json` for the same days, the page to its numbers and escaping, and the PDF
 * is printed by the system's Chromium when it is there.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SituationReport } from '../../src/reports/situation/model.js';
import type { StatsReport } from '../../src/reports/stats/report.js';
import { statsDataSet } from '../../src/storage/stats.contract.js';
import { prepare } from '../../src/storage/store.contract.js';
import { tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('report');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'report.db') } };
const HOSTILE = '<script>alert(1)</script>';
const CHROMIUM = '/usr/bin/chromium';

beforeAll(async () => {
  const events = statsDataSet(prepare).map((p) => p.event);
  const extra = [
    {
      'feed.name': 'hostile',
      'time.source': '2026-10-29T10:00:00+00:00',
      'classification.type': 'infected-system',
      'source.ip': '198.51.100.77',
      'source.geolocation.cc': 'AT',
      'source.asn': 64496,
      'destination.ip': '203.0.113.77',
      'destination.geolocation.cc': 'FR',
      'malware.name': HOSTILE,
    },
    {
      'feed.name': 'last-year',
      'time.source': '2025-10-28T10:00:00+00:00',
      'classification.type': 'infected-system',
      'source.ip': '198.51.100.90',
      'source.geolocation.cc': 'AT',
      'source.asn': 64496,
      'destination.ip': '203.0.113.90',
      'destination.geolocation.cc': 'US',
      'malware.name': 'emotet',
    },
  ];
  const lines = [...events, ...extra].map((e) => JSON.stringify(e));
  writeFileSync(join(dir, 'national.jsonl'), `${lines.join('\n')}\n`);
  const r = await runCli(['ingest', 'national.jsonl', '--format', 'intelmq-jsonl', '--json'], opts);
  expect(r.code, r.stderr).toBe(0);
  expect(jsonOut(r)).toMatchObject({ read: lines.length, quarantined: 0 });
  // A generated national sample: AT hosts talking to C2 servers abroad over two days.
  const g = await runCli(
    [
      'generate',
      '--rows',
      '3000',
      '--country',
      'AT',
      '--date',
      '2026-10-27',
      '--days',
      '2',
      '--out',
      'gen.csv',
    ],
    opts,
  );
  expect(g.code, g.stderr).toBe(0);
  const i = await runCli(['ingest', 'gen.csv', '--json'], opts);
  expect(i.code, i.stderr).toBe(0);
}, 120_000);
afterAll(cleanup);

const withoutSeconds = (j: Record<string, unknown>) => {
  const { seconds: _, ...rest } = j;
  return rest;
};

async function stats(since: string, until: string): Promise<StatsReport> {
  const r = await runCli(
    ['stats', '--since', since, '--until', until, '--country', 'AT', '--json', '--top', '10'],
    opts,
  );
  expect(r.code, r.stderr).toBe(0);
  return withoutSeconds(jsonOut(r)) as unknown as StatsReport;
}

async function report(period: string): Promise<SituationReport> {
  const r = await runCli(['report', '--period', period, '--country', 'AT', '--format', 'json'], opts);
  expect(r.code, r.stderr).toBe(0);
  return jsonOut(r) as unknown as SituationReport;
}

describe('accord report', () => {
  it('--format json: for days, the figures are exactly those of accord stats --json', async () => {
    const j = await report('2026-10-27..2026-10-30');
    expect(j.stats).toEqual(await stats('2026-10-27', '2026-10-30'));
    expect(j.stats.infectedHosts.current).toBeGreaterThan(100); // the generated hosts are in
    expect(j.headline.infectedHosts.current).toBe(j.stats.infectedHosts.current);
    // A year before: the one host of 2025-10-28.
    expect(j.headline.infectedHosts.yearAgo).toBe(1);
    expect(j.yearOnYear?.infectedHosts.previous).toBe(1);
    expect(j.c2Countries.length).toBe(j.stats.totals.c2Countries);
  });

  it('a month is compared with the previous month; both equal accord stats for those days', async () => {
    const j = await report('2026-10');
    const oct = await stats('2026-10-01', '2026-10-31');
    const sep = await stats('2026-09-01', '2026-09-30');
    for (const k of [
      'infectedHosts',
      'hostsTalkingToC2Abroad',
      'c2ServersAbroad',
      'compromisedWebsites',
    ] as const) {
      expect(j.stats[k].current, k).toBe(oct[k].current);
      expect(j.stats[k].previous, k).toBe(sep[k].current);
    }
    expect(j.stats.c2ByCountry.map((r) => [r.key, r.servers.current, r.hosts.current])).toEqual(
      oct.c2ByCountry.map((r) => [r.key, r.servers.current, r.hosts.current]),
    );
    expect(j.period.previous).toEqual({ since: '2026-09-01', until: '2026-09-30', days: 30 });
    // Per day: as accord stats gives for that one day.
    expect(j.daily).toHaveLength(31);
    for (const day of ['2026-10-27', '2026-10-28', '2026-10-31']) {
      const s = await stats(day, day);
      expect(
        j.daily.find((d) => d.day === day),
        day,
      ).toEqual({
        day,
        infectedHosts: s.infectedHosts.current,
        c2ServersAbroad: s.c2ServersAbroad.current,
      });
    }
  });

  it('--format html: one page with the numbers, sentences, inline SVG charts and map; data escaped', async () => {
    const r = await runCli(['report', '--period', '2026-Q4', '--country', 'AT', '--out', 'r.html'], opts);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('wrote the HTML report for the fourth quarter of 2026 to r.html');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    const j = await report('2026-Q4');
    const n = (v: number) => v.toLocaleString('en-US');
    expect(html).toContain(
      `Accord saw <strong>${n(j.headline.infectedHosts.current)}</strong> infected hosts in Austria`,
    );
    expect(html).toContain(`data-figure="c2ServersAbroad">${n(j.headline.c2ServersAbroad.current)}<`);
    expect(html).toContain(`data-figure="compromisedWebsites">${n(j.headline.compromisedWebsites.current)}<`);
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    for (const chart of ['world-map', 'daily', 'families', 'networks'])
      expect(html).toMatch(new RegExp(`data-chart="${chart}"><svg `));
    expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//i);
  });

  it('--config: the constituency of accord.yaml names the organisations in the tables', async () => {
    writeFileSync(
      join(dir, 'accord.yaml'),
      'enrichment:\n  - name: constituency\n    options: { file: c.yaml }\n',
    );
    writeFileSync(
      join(dir, 'c.yaml'),
      'orgs:\n  - id: isp-a\n    name: ISP A\n    sector: telecommunications\n    cidrs: [192.0.2.0/24]\n',
    );
    const r = await runCli(
      ['report', '--period', '2026-10', '--country', 'AT', '--config', 'accord.yaml'],
      opts,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('<td>ISP A (isp-a, telecommunications)</td>');
    const bad = await runCli(['report', '--period', '2026-10', '--config', 'missing.yaml'], opts);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('no config file at missing.yaml');
  });

  it('--format pdf: a real PDF printed by Chromium', async (ctx) => {
    if (!existsSync(CHROMIUM)) ctx.skip(`no Chromium at ${CHROMIUM}: the PDF cannot be printed here`);
    const r = await runCli(
      ['report', '--period', '2026', '--country', 'AT', '--format', 'pdf', '--out', 'r.pdf'],
      {
        ...opts,
        timeoutMs: 90_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const pdf = readFileSync(join(dir, 'r.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(20_000);
    expect((pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('a bad period, format or country is a usage error naming it; a missing database an input error', async () => {
    const p = await runCli(['report', '--period', 'last-year'], opts);
    expect(p.code).toBe(1);
    expect(p.stderr).toContain(
      '--period last-year: expected a year (2026), a quarter (2026-Q3), a month (2026-10) or days',
    );
    const m = await runCli(['report', '--period', '2026-13'], opts);
    expect(m.code).toBe(1);
    expect(m.stderr).toContain('--period 2026-13: the month must be 01 to 12');
    const f = await runCli(['report', '--period', '2026', '--format', 'docx'], opts);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('--format docx: expected one of html, pdf, json');
    const c = await runCli(['report', '--period', '2026', '--country', 'Austria'], opts);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('--country Austria: expected a two-letter country code');
    const missing = await runCli(['report'], { cwd: dir, env: { ACCORD_DB: join(dir, 'nope.db') } });
    expect(missing.code).toBe(2);
    const noBrowser = await runCli(['report', '--period', '2026', '--format', 'pdf', '--out', 'x.pdf'], {
      ...opts,
      env: { ...opts.env, ACCORD_CHROMIUM: join(dir, 'no-chromium') },
    });
    expect(noBrowser.code).toBe(2);
    expect(noBrowser.stderr).toContain(`PDF needs Chromium at ${join(dir, 'no-chromium')}`);
    expect(existsSync(join(dir, 'x.pdf'))).toBe(false);
  });
});
