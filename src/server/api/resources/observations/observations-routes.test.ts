/**
 * /api/v1/observations and its export over the sample feeds (real ingest, real SQLite, real auth).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApi } from '../sample-api.test-support.js';

type Api = Awaited<ReturnType<typeof sampleApi>>;
let t: Api;
beforeAll(async () => {
  t = await sampleApi();
}, 120_000);
afterAll(() => t?.close());

interface Obs {
  key: string;
  type: string;
  source: string;
  destinationIp: string | null;
  destinationPort: number | null;
  day: string;
  malware: string | null;
  feed: string | null;
  src: { cc: string | null; org: string | null; scope: string | null };
  dst: { cc: string | null };
  warninglist: boolean;
}

async function all(query: string, role: 'read-only' | 'analyst' = 'read-only'): Promise<Obs[]> {
  const out: Obs[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const r = await t.app.inject({
      url: `/api/v1/observations?limit=7&${query}${cursor ? `&cursor=${cursor}` : ''}`,
      headers: t.bearer(role),
    });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { items: Obs[]; next: string | null };
    out.push(...body.items);
    cursor = body.next;
    if (cursor === null) return out;
  }
  throw new Error('pages never ended');
}

describe('GET /api/v1/observations', () => {
  it('pages through every observation once, each item in the documented shape', async () => {
    const items = await all('');
    const counts = await t.store.counts();
    expect(items.length).toBe(counts.observations);
    expect(new Set(items.map((o) => o.key)).size).toBe(items.length);
    const first = items[0] as Obs;
    expect(Object.keys(first).sort()).toEqual(
      [
        'count',
        'day',
        'destinationIp',
        'destinationPort',
        'dst',
        'feed',
        'firstSeen',
        'key',
        'lastSeen',
        'malware',
        'source',
        'src',
        'tlp',
        'type',
        'warninglist',
      ].sort(),
    );
  });

  it('filters: each keeps exactly the matching observations', async () => {
    const everything = await all('');
    const check = async (q: string, keep: (o: Obs) => boolean) => {
      const expected = everything.filter(keep);
      expect(expected.length, q).toBeGreaterThan(0);
      expect(
        (await all(q)).map((o) => o.key),
        q,
      ).toEqual(expected.map((o) => o.key));
    };
    await check('type=infected-system', (o) => o.type === 'infected-system');
    await check('feed=shadowserver-event4_sinkhole', (o) => o.feed === 'shadowserver-event4_sinkhole');
    await check('dstCountry=us', (o) => o.dst.cc === 'US');
    await check('family=Andromeda', (o) => o.malware === 'andromeda');
    await check('owner=example-telecom', (o) => o.src.org === 'example-telecom');
    await check('scope=domestic', (o) => o.src.scope === 'domestic');
    await check('cidr=198.51.100.0/24', (o) => o.source.startsWith('198.51.100.'));
    await check('ip=203.0.113.80', (o) => o.destinationIp === '203.0.113.80' || o.source === '203.0.113.80');
    await check('field.destination.port=8080', (o) => o.destinationPort === 8080);
    await check('since=2026-10-30&until=2026-10-30T23:59:59Z', (o) => o.day === '2026-10-30');
  });

  it('a filter matching nothing gives an empty page', async () => {
    const r = await t.app.inject({ url: '/api/v1/observations?asn=AS1', headers: t.bearer('read-only') });
    expect(r.json()).toEqual({ items: [], next: null });
  });

  it.each([
    ['ip=not-an-ip', 'querystring/ip'],
    ['cidr=10.0.0.0/33', 'querystring/cidr'],
    ['asn=ASX', 'querystring/asn'],
    ['country=DEU', 'querystring/country'],
    ['type=nope', 'querystring/type'],
    ['since=2026-13-01', 'querystring/since'],
    ['since=2026-10-30&until=2026-10-01', 'querystring/since'],
    ['warninglist=maybe', 'querystring/warninglist'],
    ['field.no.such=1', 'querystring/field.no.such'],
    ['field.destination.port=http', 'querystring/field.destination.port'],
    ['field.extra=1', 'querystring/field.extra'],
    ['cursor=zzz', 'querystring/cursor'],
    ['colour=red', 'querystring/colour'],
  ])('bad input %s: 400 naming %s', async (q, path) => {
    const r = await t.app.inject({ url: `/api/v1/observations?${q}`, headers: t.bearer('read-only') });
    expect(r.statusCode).toBe(400);
    const e = (r.json() as { error: { code: string; details?: Array<{ path: string }> } }).error;
    expect(['ACCORD_BAD_REQUEST', 'ACCORD_VALIDATION']).toContain(e.code);
    expect(e.details?.[0]?.path).toBe(path);
  });

  it('limit over 1000 is a validation error; no credentials is 401', async () => {
    const r = await t.app.inject({ url: '/api/v1/observations?limit=1001', headers: t.bearer('read-only') });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.code).toBe('ACCORD_VALIDATION');
    expect((await t.app.inject({ url: '/api/v1/observations' })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/observations/export', () => {
  it('is for analysts', async () => {
    const r = await t.app.inject({ url: '/api/v1/observations/export', headers: t.bearer('read-only') });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('ACCORD_FORBIDDEN');
  });

  it('CSV: a header and one row per matching observation, as an attachment', async () => {
    const r = await t.app.inject({
      url: '/api/v1/observations/export?format=csv&type=infected-system',
      headers: t.bearer('analyst'),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/csv/);
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="accord-observations-.*\.csv"$/);
    const lines = r.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^key,type,source,destinationIp/);
    const expected = await all('type=infected-system');
    expect(lines.length - 1).toBe(expected.length);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected.map((o) => o.key));
  });

  it('JSON lines: one object per observation, equal to the listing', async () => {
    const r = await t.app.inject({
      url: '/api/v1/observations/export?format=json&scope=domestic',
      headers: t.bearer('admin'),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const rows = r.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Obs);
    expect(rows).toEqual(await all('scope=domestic'));
  });

  it('bad format or filter: 400', async () => {
    expect(
      (await t.app.inject({ url: '/api/v1/observations/export?format=xml', headers: t.bearer('analyst') }))
        .statusCode,
    ).toBe(400);
    expect(
      (await t.app.inject({ url: '/api/v1/observations/export?ip=x', headers: t.bearer('analyst') }))
        .statusCode,
    ).toBe(400);
  });
});
