/** /api/v1/events and its export over the events the sample feed stored (real ingest). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleApi } from '../sample-api.test-support.js';

type Api = Awaited<ReturnType<typeof sampleApi>>;
let t: Api;
beforeAll(async () => {
  t = await sampleApi(['shadowserver-event4_sinkhole']);
}, 120_000);
afterAll(() => t?.close());

const get = (url: string, role: 'read-only' | 'analyst' = 'read-only') =>
  t.app.inject({ url: `/api/v1/${url}`, headers: t.bearer(role) });

describe('GET /api/v1/events', () => {
  it('pages through stored events with filters; export for analysts', async () => {
    const all: Array<{ id: string; feed: string; event: Record<string, unknown> }> = [];
    let cursor: string | null = null;
    do {
      const r = await get(`events?limit=10${cursor ? `&cursor=${cursor}` : ''}`);
      expect(r.statusCode).toBe(200);
      all.push(...r.json().items);
      cursor = r.json().next;
    } while (cursor);
    expect(all.length).toBe((await t.store.counts()).events);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    const filtered = (await get('events?limit=1000&family=andromeda&field.destination.port=8080')).json()
      .items;
    expect(filtered).toEqual(
      all.filter((e) => e.event['malware.name'] === 'andromeda' && e.event['destination.port'] === 8080),
    );
    expect(filtered.length).toBeGreaterThan(0);
  });

  it('export: analysts only, CSV with every harmonised field, JSON lines', async () => {
    expect((await get('events/export?format=csv')).statusCode).toBe(403);
    const csv = await get('events/export?format=csv&family=andromeda', 'analyst');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="accord-events-.*\.csv"$/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^id,observation,feed,seenAt,feed\.name,/);
    const json = await get('events/export?format=json&family=andromeda', 'analyst');
    const rows = json.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; event: Record<string, unknown> });
    expect(rows.length).toBeGreaterThan(0);
    expect(lines.length - 1).toBe(rows.length);
    for (const r of rows) expect(r.event['malware.name']).toBe('andromeda');
  });

  it('bad input: 400 naming the parameter', async () => {
    for (const [q, path] of [
      ['since=tomorrow', 'querystring/since'],
      ['field.nope=1', 'querystring/field.nope'],
      ['cursor=abc', 'querystring/cursor'],
    ]) {
      const r = await get(`events?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().error.details?.[0]?.path, q).toBe(path);
    }
  });
});
