/** /api/v1/constituency from the sample config's constituency file; empty without a config. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '../../test-support.js';
import { sampleConfig } from '../sample-api.test-support.js';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi({ accordConfig: await sampleConfig() });
}, 60_000);
afterAll(() => t?.close());

describe('GET /api/v1/constituency', () => {
  it('lists the organisations of the configured constituency file', async () => {
    const r = await t.app.inject({ url: '/api/v1/constituency', headers: t.bearer('read-only') });
    expect(r.statusCode).toBe(200);
    const items = r.json().items as Array<{ id: string }>;
    expect(items.map((o) => o.id)).toEqual([...items.map((o) => o.id)].sort());
    expect(items.find((o) => o.id === 'example-telecom')).toEqual({
      id: 'example-telecom',
      name: 'Example Telecom',
      sector: 'telecommunications',
      cidrs: ['198.51.100.0/24', '2001:db8::/32'],
      asns: [64496],
      domains: ['example.net'],
      contacts: ['abuse@example.net'],
      language: 'en',
      format: 'csv',
    });
    expect((await t.app.inject({ url: '/api/v1/constituency' })).statusCode).toBe(401);
  });

  it('is empty without a config', async () => {
    const bare = await buildTestApi();
    try {
      const r = await bare.app.inject({ url: '/api/v1/constituency', headers: bare.bearer('read-only') });
      expect(r.json()).toEqual({ items: [], nationalCountries: [] });
      const f = await bare.app.inject({ url: '/api/v1/feeds', headers: bare.bearer('read-only') });
      expect(f.json()).toEqual({ items: [] });
    } finally {
      await bare.close();
    }
  });
});
