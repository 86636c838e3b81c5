/** /api/v1/feeds (health, run now) with the sample config as the server's. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApi } from '../sample-api.test-support.js';

type Api = Awaited<ReturnType<typeof sampleApi>>;
let t: Api;
beforeAll(async () => {
  t = await sampleApi(['shadowserver-event4_sinkhole']);
}, 120_000);
afterAll(() => t?.close());

const get = (url: string, role: 'read-only' | 'analyst' | 'admin' = 'read-only') =>
  t.app.inject({ url: `/api/v1/${url}`, headers: t.bearer(role) });

describe('GET /api/v1/feeds', () => {
  it('lists every configured feed with its health', async () => {
    const r = await get('feeds');
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<{
      name: string;
      configured: boolean;
      health: { lastStatus?: string; lastRead?: number } | null;
      schedule: string | null;
      source: string;
    }>;
    expect(items.map((f) => f.name)).toEqual(t.config.feeds.map((f) => f.name));
    const ran = items.find((f) => f.name === 'shadowserver-event4_sinkhole');
    expect(ran?.health?.lastStatus).toBe('ok');
    expect(ran?.health?.lastRead).toBeGreaterThan(0);
    expect(ran?.schedule).toBe('every 1h');
    expect(ran?.source).toBe('shadowserver/*event4_sinkhole*.csv');
    expect(items.find((f) => f.name === 'example-c2-list')?.health).toBeNull();
  });

  it('run now: analysts only, CSRF-checked for sessions, 404 for unknown feeds, result in the health', async () => {
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/feeds/example-c2-list/run',
          headers: t.bearer('read-only'),
        })
      ).statusCode,
    ).toBe(403);
    const s = await t.login('analyst');
    const noCsrf = await t.app.inject({
      method: 'POST',
      url: '/api/v1/feeds/example-c2-list/run',
      headers: { cookie: s.cookie },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('ACCORD_CSRF');
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/feeds/nope/run', headers: s.headers })).statusCode,
    ).toBe(404);
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/feeds/example-c2-list/run?wait=true',
      headers: s.headers,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toMatchObject({ feed: 'example-c2-list', status: 'ok' });
    expect(r.json().read).toBeGreaterThan(0);
    const health = (await get('feeds'))
      .json()
      .items.find((f: { name: string }) => f.name === 'example-c2-list').health;
    expect(health.lastStatus).toBe('ok');
  });

  it('run now in the background: 202, then the health shows the run', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/feeds/example-scanners/run',
      headers: t.bearer('analyst'),
    });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toEqual({ started: true });
    for (let i = 0; i < 100; i++) {
      const f = (await get('feeds'))
        .json()
        .items.find((x: { name: string }) => x.name === 'example-scanners');
      if (!f.running && f.health?.lastStatus) {
        expect(f.health.lastStatus).toBe('ok');
        return;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    throw new Error('the background run never finished');
  });
});
