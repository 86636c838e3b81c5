/**
 * `accord stats` end to end: the hand-made data set of the store contract, written as IntelMQ
 * JSON lines, ingested by the real command, then reported on; every figure is known.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsReport } from '../../src/reports/stats/report.js';
import { EXPECTED_CURRENT, EXPECTED_PREVIOUS, statsDataSet } from '../../src/storage/stats.contract.js';
import { prepare } from '../../src/storage/store.contract.js';
import { tempDir } from './fixtures.js';
import { jsonOut, runCli } from './run-cli.js';

const { dir, cleanup } = tempDir('stats');
const opts = { cwd: dir, env: { ACCORD_DB: join(dir, 'stats.db') } };

beforeAll(async () => {
  const lines = statsDataSet(prepare).map((p) => JSON.stringify(p.event));
  writeFileSync(join(dir, 'national.jsonl'), `${lines.join('\n')}\n`);
  const r = await runCli(['ingest', 'national.jsonl', '--format', 'intelmq-jsonl', '--json'], opts);
  expect(r.code, r.stderr).toBe(0);
  expect(jsonOut(r)).toMatchObject({ read: lines.length, quarantined: 0 });
});
afterAll(cleanup);

const period = ['--since', '2026-10-27', '--until', '2026-10-30', '--country', 'at'];

describe('accord stats', () => {
  it('--json: one object with every figure beside the previous period and the change in %', async () => {
    const r = await runCli(['stats', ...period, '--json'], opts);
    expect(r.code, r.stderr).toBe(0);
    const j = jsonOut(r) as unknown as StatsReport & { seconds: number };
    expect(Object.keys(j).sort()).toEqual(
      [
        'period',
        'previousPeriod',
        'country',
        'infectedHosts',
        'hostsTalkingToC2Abroad',
        'c2ServersAbroad',
        'warninglistedExcluded',
        'compromisedWebsites',
        'c2ByCountry',
        'c2ByFamily',
        'c2ByAsn',
        'topNetworks',
        'websitesByOwner',
        'totals',
        'top',
        'seconds',
      ].sort(),
    );
    expect(j.period).toEqual({ since: '2026-10-27', until: '2026-10-30', days: 4, basis: 'as asked' });
    expect(j.previousPeriod).toEqual({ since: '2026-10-23', until: '2026-10-26', days: 4 });
    expect(j.country).toBe('AT');
    expect(j.infectedHosts).toEqual({ current: 7, previous: 2, changePercent: 250 });
    expect(j.hostsTalkingToC2Abroad).toEqual({ current: 3, previous: 2, changePercent: 50 });
    expect(j.c2ServersAbroad).toEqual({ current: 2, previous: 2, changePercent: 0 });
    expect(j.warninglistedExcluded).toEqual({ current: 1, previous: 0, changePercent: null });
    expect(j.compromisedWebsites).toEqual({ current: 2, previous: 1, changePercent: 100 });
    expect(j.c2ByCountry).toEqual([
      {
        key: 'DE',
        servers: { current: 1, previous: 1, changePercent: 0 },
        hosts: { current: 2, previous: 1, changePercent: 100 },
      },
      {
        key: 'US',
        servers: { current: 1, previous: 1, changePercent: 0 },
        hosts: { current: 2, previous: 1, changePercent: 100 },
      },
    ]);
    expect(j.topNetworks).toEqual([
      { kind: 'asn', key: 'AS64496', count: { current: 5, previous: 2, changePercent: 150 } },
      { kind: 'asn', key: 'AS64497', count: { current: 1, previous: 0, changePercent: null } },
      { kind: 'org', key: 'isp-a', count: { current: 1, previous: 0, changePercent: null } },
    ]);
    expect(j.c2ByFamily.map((x) => [x.key, x.servers.current, x.hosts.current])).toEqual(
      EXPECTED_CURRENT.c2ByFamily.map((x) => [x.key, x.servers, x.hosts]),
    );
    expect(j.websitesByOwner.map((x) => [x.key, x.count.current, x.count.previous])).toEqual([
      ['AS64496', 1, EXPECTED_PREVIOUS.websitesByOwner[0]?.count],
      ['hoster-b', 1, 0],
    ]);
    expect(j.totals).toEqual({ c2Countries: 2, c2Families: 2, c2Asns: 2, networks: 3, websiteOwners: 2 });
  });

  it('--top cuts every table and says how many rows there were', async () => {
    const j = jsonOut(
      await runCli(['stats', ...period, '--top', '1', '--json'], opts),
    ) as unknown as StatsReport;
    expect(j.topNetworks).toHaveLength(1);
    expect(j.totals.networks).toBe(3);
    const text = (await runCli(['stats', ...period, '--top', '1'], opts)).stdout;
    expect(text).toContain('Domestic networks with infected hosts (top 1 of 3)');
  });

  it('default period: the 30 days ending at the latest observation day, said in the output', async () => {
    const r = await runCli(['stats', '--country', 'AT'], opts);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      'Period 2026-10-02 to 2026-10-31 (30 days; default: the last 30 days ending at the latest observation day), compared with 2026-09-02 to 2026-10-01',
    );
    // Human output: aligned columns (the numbers of a table end in the same column).
    const rows = r.stdout
      .split('\n')
      .filter((l) => /^(Domestic hosts seen infected|C2 servers abroad controlling)/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/ 9 +0 +new$/); // the 7, H12 (2026-10-24) and H14 (2026-10-31)
    expect(rows[0]?.length).toBe(rows[1]?.length);
  });

  it('ACCORD_COUNTRY is the default country; none: only constituency data decides', async () => {
    const withEnv = jsonOut(
      await runCli(['stats', '--since', '2026-10-27', '--until', '2026-10-30', '--json'], {
        ...opts,
        env: { ...opts.env, ACCORD_COUNTRY: 'AT' },
      }),
    ) as unknown as StatsReport;
    expect(withEnv.infectedHosts.current).toBe(7);
    const none = jsonOut(
      await runCli(['stats', '--since', '2026-10-27', '--until', '2026-10-30', '--json'], opts),
    ) as unknown as StatsReport;
    expect(none.country).toBeNull();
    expect(none.infectedHosts.current).toBe(1);
  });

  it('bad options are usage errors naming the option', async () => {
    const r = await runCli(['stats', '--since', '2026-10-30', '--until', '2026-10-01'], opts);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--until 2026-10-01 is before --since 2026-10-30');
    const c = await runCli(['stats', '--country', 'Austria'], opts);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('--country Austria: expected a two-letter country code');
    const d = await runCli(['stats', '--since', '2026-02-30'], opts);
    expect(d.code).toBe(1);
    expect(d.stderr).toContain('--since 2026-02-30: expected a day as YYYY-MM-DD');
  });

  it('an empty store reports zeros; a missing database is an input error', async () => {
    const empty = { cwd: dir, env: { ACCORD_DB: join(dir, 'empty.db') } };
    expect((await runCli(['ingest', '-', '--format', 'intelmq-jsonl'], { ...empty, input: '' })).code).toBe(
      0,
    );
    const j = jsonOut(await runCli(['stats', '--country', 'AT', '--json'], empty)) as unknown as StatsReport;
    expect(j.infectedHosts).toEqual({ current: 0, previous: 0, changePercent: null });
    expect(j.c2ByCountry).toEqual([]);
    expect(j.period.basis).toContain('no observations stored');
    const missing = await runCli(['stats'], { cwd: dir, env: { ACCORD_DB: join(dir, 'nope.db') } });
    expect(missing.code).toBe(2);
  });
});
