import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { sqliteApiDeps } from './api/deps.js';
import { buildApp } from './app.js';
import { sqliteTaxiiOptions } from './sqlite-taxii.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-dashboard-'));
let store: SqliteStore;
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function appWith(root: string): Promise<FastifyInstance> {
  const app = await buildApp({
    taxii: sqliteTaxiiOptions(store),
    api: sqliteApiDeps(store),
    dashboard: { root },
  });
  await app.ready();
  return app;
}

beforeAll(() => {
  store = openSqliteStore(join(dir, 'accord.db'));
});

describe('dashboard at /', () => {
  it('serves the built files, and index.html for the app routes (not for /api or /taxii2)', async () => {
    const root = join(dir, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets', 'app-1234.js'), 'console.log(1)');
    const app = await appWith(root);
    try {
      const home = await app.inject({ url: '/' });
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('id="root"');
      expect(home.headers['content-security-policy']).toContain("script-src 'self'");
      expect(home.headers['content-security-policy']).not.toContain("script-src 'self' 'unsafe-inline'");
      expect(home.headers['x-frame-options']).toBe('DENY');
      expect(home.headers['x-content-type-options']).toBe('nosniff');
      expect(home.headers['referrer-policy']).toBe('no-referrer');
      const js = await app.inject({ url: '/assets/app-1234.js' });
      expect(js.statusCode).toBe(200);
      expect(js.headers['content-type']).toMatch(/javascript/);
      for (const url of ['/pivot?q=1.2.3.4', '/feeds', '/partners/x']) {
        const r = await app.inject({ url });
        expect(r.statusCode, url).toBe(200);
        expect(r.body).toContain('id="root"');
      }
      const api = await app.inject({ url: '/api/v1/nothing' });
      expect(api.statusCode).toBe(404);
      expect(api.json()).toMatchObject({ error: { code: 'ACCORD_NOT_FOUND' } });
      const taxii = await app.inject({ url: '/taxii2/nothing/here/' });
      expect(taxii.body).not.toContain('id="root"');
      const post = await app.inject({ method: 'POST', url: '/feeds' });
      expect(post.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    const app = await appWith(join(dir, 'nowhere'));
    try {
      const home = await app.inject({ url: '/' });
      expect(home.statusCode).toBe(200);
      expect(home.body).toContain('npm run build');
      expect(home.headers['content-security-policy']).toBeDefined();
      expect((await app.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
