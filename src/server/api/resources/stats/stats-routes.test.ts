/**
 * /api/v1/stats and /api/v1/stats/daily over the sample feeds: the report equals statsReport
 * (what `accord stats --json` prints) for the same period; filters equal the SQL reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statsReport } from '../../../../reports/stats/report.js';
import { sqliteDailyFigures, sqliteStatsFigures } from '../../../../storage/sqlite/stats-query.js';
import { prepare } from '../../../../storage/store.contract.js';
import { sampleApi } from '../sample-api.test-support.js';

type Api = Awaited<ReturnType<typeof sampleApi>>;
let t: Api;
beforeAll(async () => {
  t = await sampleApi();
}, 120_000);
afterAll(() => t?.close());

const get = (url: string, role: 'read-only' | 'analyst' = 'read-only') =>
  t.app.inject({ url: `/api/v1/${url}`, headers: t.bearer(role) });

describe('GET /api/v1/stats', () => {
  it('answers what accord stats --json computes, default period included', async () => {
    for (const q of ['', 'since=2026-10-01&until=2026-10-31', 'top=0', 'until=2026-10-30']) {
      const r = await get(`stats?${q}`);
      expect(r.statusCode, r.body).toBe(200);
      const p = new URLSearchParams(q);
      const expected = await statsReport(t.store, {
        ...(p.get('since') ? { since: p.get('since') as string } : {}),
        ...(p.get('until') ? { until: p.get('until') as string } : {}),
        ...(p.get('top') ? { top: Number(p.get('top')) } : {}),
        today: new Date().toISOString().slice(0, 10),
      });
      if (!expected.ok) throw new Error(expected.error);
      expect(r.json()).toEqual(JSON.parse(JSON.stringify(expected.report)));
    }
    const body = (await get('stats')).json();
    expect(body.infectedHosts.current).toBeGreaterThan(0);
    expect(body.period.until).toBe('2026-10-30');
  });

  it('filters apply to every figure and equal the SQL reference over the observations', async () => {
    const period = { since: '2026-10-01', until: '2026-10-31' };
    const all = (await get('stats?since=2026-10-01&until=2026-10-31&top=0')).json();
    const country = all.c2ByCountry[0].key as string;
    const family = all.c2ByFamily[0].key as string;
    const network = all.topNetworks[0].key as string;
    for (const [q, filter] of [
      [`c2Country=${country.toLowerCase()}`, { c2Country: country }],
      [`family=${family}`, { family }],
      [`network=${network}`, { network }],
      [`c2Country=${country}&family=${family}&network=${network}`, { c2Country: country, family, network }],
    ] as const) {
      const r = (await get(`stats?since=2026-10-01&until=2026-10-31&top=0&${q}`)).json();
      const ref = sqliteStatsFigures(t.store.db, { ...period, filter });
      expect(r.infectedHosts.current, q).toBe(ref.infectedHosts);
      expect(r.hostsTalkingToC2Abroad.current, q).toBe(ref.hostsTalkingToC2Abroad);
      expect(r.c2ServersAbroad.current, q).toBe(ref.c2ServersAbroad);
      expect(r.compromisedWebsites.current, q).toBe(ref.compromisedWebsites);
      expect(
        r.c2ByCountry.map((x: { key: string }) => x.key),
        q,
      ).toEqual(ref.c2ByCountry.map((x) => x.key));
      expect(r.infectedHosts.current, q).toBeLessThanOrEqual(all.infectedHosts.current);
    }
    const c2Only = (await get(`stats?since=2026-10-01&until=2026-10-31&c2Country=${country}`)).json();
    expect(c2Only.c2ByCountry.map((x: { key: string }) => x.key)).toEqual([country]);
    const none = (await get('stats?since=2026-10-01&until=2026-10-31&c2Country=ZZ')).json();
    expect(none.infectedHosts.current).toBe(0);
  });

  it('bad input: 400 naming the parameter; no credentials: 401', async () => {
    for (const [q, path] of [
      ['since=yesterday', 'querystring/since'],
      ['since=2026-10-30&until=2026-10-01', 'querystring/until'],
      ['c2Country=RUS', 'querystring/c2Country'],
      ['top=-1', 'querystring/top'],
      ['colour=red', 'querystring/colour'],
    ]) {
      const r = await get(`stats?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.details?.[0]?.path, q).toBe(path);
    }
    expect((await t.app.inject({ url: '/api/v1/stats' })).statusCode).toBe(401);
  });
});

describe('stats cache', () => {
  it('a new observation shows in the next answer (the cache follows the rollup)', async () => {
    const url = 'stats?since=2026-10-01&until=2026-10-31';
    const before = (await get(url)).json().infectedHosts.current;
    expect((await get(url)).json().infectedHosts.current).toBe(before);
    await t.store.writeBatch({
      events: [
        prepare({
          'time.source': '2026-10-30T10:00:00Z',
          'classification.type': 'infected-system',
          'source.ip': '198.51.100.250',
          'source.constituency.scope': 'domestic',
          'destination.ip': '203.0.113.99',
          'destination.constituency.scope': 'foreign',
        }),
      ],
      quarantine: [],
    });
    expect((await get(url)).json().infectedHosts.current).toBe(before + 1);
  });
});

describe('GET /api/v1/stats/daily', () => {
  it('every day of the period, equal to a direct count per day, filtered too', async () => {
    for (const q of ['', '&family=andromeda', '&c2Country=US']) {
      const r = await get(`stats/daily?since=2026-10-25&until=2026-10-31${q}`);
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json() as { days: Array<{ day: string; infectedHosts: number; c2Servers: number }> };
      expect(body.days.map((d) => d.day)).toEqual([
        '2026-10-25',
        '2026-10-26',
        '2026-10-27',
        '2026-10-28',
        '2026-10-29',
        '2026-10-30',
        '2026-10-31',
      ]);
      const p = new URLSearchParams(q.slice(1));
      const filter = Object.fromEntries(
        [...p.entries()].map(([k, v]) => [k, k === 'c2Country' ? v.toUpperCase() : v]),
      );
      const ref = sqliteDailyFigures(t.store.db, { since: '2026-10-25', until: '2026-10-31', filter });
      for (const d of body.days) {
        const x = ref.find((r) => r.day === d.day);
        expect(d).toEqual({ day: d.day, infectedHosts: x?.infectedHosts ?? 0, c2Servers: x?.c2Servers ?? 0 });
      }
    }
    const all = (await get('stats/daily?since=2026-10-30&until=2026-10-30')).json();
    expect(all.days[0].infectedHosts).toBeGreaterThan(0);
  });

  it('defaults to the 30 days ending at the latest day; bad days are 400', async () => {
    const r = (await get('stats/daily')).json();
    expect(r.days.length).toBe(30);
    expect(r.until).toBe('2026-10-30');
    expect((await get('stats/daily?until=2026-02-30')).statusCode).toBe(400);
    expect((await get('stats/daily?since=1900-01-01&until=2026-01-01')).statusCode).toBe(400);
  });
});
