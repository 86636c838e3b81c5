/** The figures in proportions.ts, checked against the shared real data they were copied from. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA } from '../components/parsers/test-support/golden.js';
import { C2_LIST_COUNTRIES, FAMILIES, HOSTING_ASNS, PROFILES } from './proportions.js';

const d = hasSharedData ? describe : describe.skip;
if (!hasSharedData) console.warn(`proportions.test.ts skipped: ${SHARED_DATA} is absent`);

d('proportions match ../shared/data', () => {
  const stats = () =>
    JSON.parse(readFileSync(join(SHARED_DATA, 'stats/c2_country_asn_distribution.json'), 'utf8')) as Record<
      string,
      { unique_ipv4: number; top_countries: [string, number][]; top_asns: [string, number][] }
    >;
  const figures = () => readFileSync(join(SHARED_DATA, 'stats/national_c2_figures.md'), 'utf8');

  it('C2 country histogram is Maltrail top_countries', () => {
    const m = stats().maltrail_malware_trails_ips;
    expect(C2_LIST_COUNTRIES.map(([c, n]) => [c, n])).toEqual(m?.top_countries);
    expect(PROFILES['c2-lists']?.rest).toBe(m?.unique_ipv4);
  });

  it('hosting ASN weights are the Maltrail ASN histogram counts', () => {
    const asns = new Map(stats().maltrail_malware_trails_ips?.top_asns.map(([a, n]) => [Number(a), n]));
    let checked = 0;
    for (const table of Object.values(HOSTING_ASNS))
      for (const [asn, w] of table)
        if (w !== 1) {
          expect(asns.get(asn), `AS${asn}`).toBe(w);
          checked++;
        }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('CNCERT profiles quote the figures of their rows', () => {
    const rows = figures().split('\n');
    const row = (start: string) => rows.find((r) => r.startsWith(start)) ?? '';
    const r2018 = row('| 2018 | infected hosts / overseas C2');
    for (const s of ['~49,000 overseas C2', '~5.26 M hosts', 'US 14,752', 'Japan 6,551', 'Germany 2,166'])
      expect(r2018).toContain(s);
    const p18 = PROFILES['cncert-2018'];
    expect(p18?.countries).toEqual([
      ['US', 14752],
      ['JP', 6551],
      ['DE', 2166],
    ]);
    expect(p18?.hostsPerC2).toBeCloseTo(5_260_000 / 49_000);
    const r2021 = row('| 2021 H1 | overseas C2 by country');
    for (const s of [
      '~49,000 overseas C2 controlled ~4.10 M hosts',
      'US ~7,580',
      'Vietnam 3,752',
      'Hong Kong 2,451',
    ])
      expect(r2021).toContain(s);
    expect(PROFILES['cncert-2021h1']?.countries).toEqual([
      ['US', 7580],
      ['VN', 3752],
      ['HK', 2451],
    ]);
  });

  it('family C2 counts and ports are those of the block lists', () => {
    for (const f of FAMILIES) {
      const lines = readFileSync(join(SHARED_DATA, f.source), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      const v4 = lines.filter((l) => /^\d+\.\d+\.\d+\.\d+(:\d+)?$/.test(l));
      const unique = new Set(v4.map((l) => l.split(':')[0]));
      expect(unique.size, f.source).toBe(f.c2Servers);
      if (f.ports.length > 1) {
        const count = new Map<number, number>();
        for (const l of v4) {
          const p = l.split(':')[1];
          if (p) count.set(Number(p), (count.get(Number(p)) ?? 0) + 1);
        }
        for (const [port, n] of f.ports) expect(count.get(port), `${f.name} port ${port}`).toBe(n);
      }
    }
  });
});
