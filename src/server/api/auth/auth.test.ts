import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../../storage/sqlite/sqlite-store.js';
import { FailureLimiter } from '../../../taxii/server/rate-limit.js';
import { API_PREFIX, apiPlugin } from '../api-plugin.js';
import { sqliteApiDeps } from '../deps.js';
import { apiErrorHandler } from '../errors.js';
import { ROLES, roleAllows } from '../roles.js';
import { buildTestApi, TEST_PASSWORD, type TestApi } from '../test-support.js';
import { authHook, SESSION_COOKIE } from './authenticate.js';
import { IDLE_MS } from './sqlite-user-store.js';

let clock = Date.parse('2026-11-01T08:00:00Z');
let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi({
    now: () => clock,
    config: { rateLimit: { maxFailures: 3, windowMs: 60_000, maxKeys: 100 } },
  });
});
afterAll(() => t.close());

const login = (username: string, password: string, ip = '10.0.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    remoteAddress: ip,
  });

/** Requests that fail count against their address: each test that fails on purpose uses its own. */
const me = (headers: Record<string, string>, ip = '127.0.0.1') =>
  t.app.inject({ url: '/api/v1/auth/me', headers, remoteAddress: ip });

describe('login', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and returns the user and CSRF token', async () => {
    const r = await login('analyst', TEST_PASSWORD);
    expect(r.statusCode).toBe(200);
    const body = r.json() as { user: unknown; csrfToken: string };
    expect(body.user).toEqual({ name: 'analyst', role: 'analyst' });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = String(r.headers['set-cookie']);
    expect(raw).toMatch(new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43};`));
    expect(raw).toContain('HttpOnly');
    expect(raw).toContain('SameSite=Strict');
    expect(raw).toContain('Path=/');
    expect(raw).not.toContain('Secure'); // plain http in this test
    const c = r.cookies.find((x) => x.name === SESSION_COOKIE);
    const again = await me({ cookie: `${SESSION_COOKIE}=${c?.value}` });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ user: { name: 'analyst', role: 'analyst' }, csrfToken: body.csrfToken });
    // Only the token's digest is stored.
    const stored = t.store.db.prepare('SELECT token_hash FROM user_sessions').all() as {
      token_hash: string;
    }[];
    expect(stored.map((s) => s.token_hash)).not.toContain(c?.value);
  });

  it('answers the same for a wrong password, an unknown user and a disabled user', async () => {
    const added = await t.deps.users.add('gone', 'analyst', TEST_PASSWORD);
    expect(added.ok).toBe(true);
    t.deps.users.disable('gone');
    const wrong = await login('analyst', 'not the password', '10.0.1.1');
    const unknown = await login('nobody', TEST_PASSWORD, '10.0.1.2');
    const disabled = await login('gone', TEST_PASSWORD, '10.0.1.3');
    for (const r of [wrong, unknown, disabled]) {
      expect(r.statusCode).toBe(401);
      expect(r.json()).toEqual({
        error: { code: 'ACCORD_BAD_CREDENTIALS', message: 'wrong username or password', statusCode: 401 },
      });
      expect(r.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses a malformed body with ACCORD_VALIDATION and details', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({
      error: {
        code: 'ACCORD_VALIDATION',
        statusCode: 400,
        details: [{ path: 'body/password', message: expect.any(String) }],
      },
    });
  });

  it('takes JSON bodies only, up to 1 MiB', async () => {
    const text = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=admin&password=x',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: { code: 'ACCORD_UNSUPPORTED_MEDIA_TYPE', statusCode: 415 } });
    const big = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ username: 'admin', password: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: { code: 'ACCORD_PAYLOAD_TOO_LARGE' } });
    const broken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"username": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: { code: 'ACCORD_BAD_REQUEST' } });
  });

  it('limits failed logins per address (429 with Retry-After, even for the right password), then lets go', async () => {
    const ip = '10.0.2.1';
    for (let i = 0; i < 3; i++) expect((await login('admin', `wrong-${i}`, ip)).statusCode).toBe(401);
    const limited = await login('admin', TEST_PASSWORD, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'ACCORD_RATE_LIMITED', statusCode: 429 } });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // per username too: another address guessing the same name is held
    expect((await login('admin', TEST_PASSWORD, '10.0.2.99')).statusCode).toBe(429);
    clock += 61_000;
    expect((await login('admin', TEST_PASSWORD, ip)).statusCode).toBe(200);
  });
});

describe('sessions', () => {
  it('end after 12 hours without use, and stay while used', async () => {
    const s = await t.login('read-only');
    clock += IDLE_MS - 60_000;
    expect((await me({ cookie: s.cookie })).statusCode).toBe(200); // touched
    clock += IDLE_MS - 60_000;
    expect((await me({ cookie: s.cookie })).statusCode).toBe(200);
    clock += IDLE_MS;
    const r = await me({ cookie: s.cookie }, '10.0.5.4');
    expect(r.statusCode).toBe(401);
    expect(r.json()).toMatchObject({ error: { code: 'ACCORD_UNAUTHENTICATED' } });
  });

  it('end at logout, which clears the cookie', async () => {
    const s = await t.login('read-only');
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: s.headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(
      new RegExp(`^${SESSION_COOKIE}=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)`),
    );
    expect((await me({ cookie: s.cookie }, '10.0.5.5')).statusCode).toBe(401);
  });

  it('answer 401 without credentials and for a made-up cookie', async () => {
    const none = await t.app.inject({ url: '/api/v1/auth/me' });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ error: { code: 'ACCORD_UNAUTHENTICATED', statusCode: 401 } });
    expect((await me({ cookie: `${SESSION_COOKIE}=${'a'.repeat(43)}` }, '10.0.5.6')).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('refuses a cookie-authenticated POST without the token or with a wrong one, accepts it with it', async () => {
    const s = await t.login('admin');
    const post = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/users/analyst/keys', headers, payload: {} });
    const without = await post({ cookie: s.cookie });
    expect(without.statusCode).toBe(403);
    expect(without.json()).toMatchObject({ error: { code: 'ACCORD_CSRF', statusCode: 403 } });
    const wrong = await post({ cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) });
    expect(wrong.statusCode).toBe(403);
    const good = await post(s.headers);
    expect(good.statusCode).toBe(201);
    // GET needs none
    expect((await me({ cookie: s.cookie })).statusCode).toBe(200);
  });

  it('is not asked of bearer API keys', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/analyst/keys',
      headers: t.bearer('admin'),
      payload: { label: 'script' },
    });
    expect(r.statusCode).toBe(201);
    expect((await me(t.bearer('admin'))).json()).toEqual({
      user: { name: 'admin', role: 'admin' },
      csrfToken: null,
    });
  });
});

describe('API keys', () => {
  it('work as bearer tokens and are refused from the next request after revocation', async () => {
    await t.deps.users.add('script', 'analyst', TEST_PASSWORD);
    const issued = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/script/keys',
      headers: t.bearer('admin'),
      payload: {},
    });
    const { key, info } = issued.json() as { key: string; info: { id: string } };
    expect(key).toMatch(/^accu\.[0-9a-f]{16}\.[A-Za-z0-9_-]{43}$/);
    const auth = { authorization: `Bearer ${key}` };
    expect((await me(auth)).json()).toMatchObject({ user: { name: 'script', role: 'analyst' } });
    const listed = await t.app.inject({ url: '/api/v1/users/script/keys', headers: t.bearer('admin') });
    expect(JSON.stringify(listed.json())).not.toContain(key.split('.')[2]);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/script/keys/${info.id}`,
      headers: t.bearer('admin'),
    });
    expect(revoked.statusCode).toBe(200);
    const after = await me(auth, '10.0.5.1');
    expect(after.statusCode).toBe(401);
    expect(after.json()).toMatchObject({ error: { code: 'ACCORD_UNAUTHENTICATED' } });
  });

  it('and sessions of a disabled user are refused at the next request', async () => {
    await t.deps.users.add('leaver', 'analyst', TEST_PASSWORD);
    const key = await t.deps.users.issueKey('leaver');
    if (!key.ok) throw new Error(key.error);
    const auth = { authorization: `Bearer ${key.value.key}` };
    const r = await login('leaver', TEST_PASSWORD, '10.0.3.1');
    const cookie = `${SESSION_COOKIE}=${r.cookies.find((c) => c.name === SESSION_COOKIE)?.value}`;
    expect((await me(auth)).statusCode).toBe(200);
    expect((await me({ cookie })).statusCode).toBe(200);
    const del = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/users/leaver',
      headers: t.bearer('admin'),
    });
    expect(del.statusCode).toBe(204);
    expect((await me(auth, '10.0.5.2')).statusCode).toBe(401);
    expect((await me({ cookie }, '10.0.5.2')).statusCode).toBe(401);
  });

  it('bad keys are limited per address; a key in use is not held by them, nor by parallel requests', async () => {
    const ip = '10.0.6.1';
    const good = t.bearer('read-only');
    expect((await me(good, ip)).statusCode).toBe(200);
    const parallel = await Promise.all(Array.from({ length: 20 }, () => me(good, ip)));
    expect(parallel.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    const guess = { authorization: `Bearer accu.${'1'.repeat(16)}.${'b'.repeat(43)}` };
    for (let i = 0; i < 3; i++) expect((await me(guess, ip)).statusCode).toBe(401);
    const limited = await me(guess, ip);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ error: { code: 'ACCORD_RATE_LIMITED' } });
    expect((await me(good, ip)).statusCode).toBe(200);
    clock += 61_000;
  });

  it('refuse garbage and unknown keys alike', async () => {
    for (const authorization of [
      'Bearer nonsense',
      `Bearer accu.${'0'.repeat(16)}.${'a'.repeat(43)}`,
      'Basic eDp5',
    ])
      expect((await me({ authorization }, '10.0.5.3')).statusCode).toBe(401);
  });
});

describe('roles', () => {
  it('rank read-only < analyst < admin', () => {
    expect(ROLES.filter((r) => roleAllows(r, 'analyst'))).toEqual(['analyst', 'admin']);
    expect(ROLES.filter((r) => roleAllows(r, 'read-only'))).toEqual([...ROLES]);
    expect(ROLES.filter((r) => roleAllows(r, 'admin'))).toEqual(['admin']);
  });

  it('read-only and analyst users cannot reach the admin routes', async () => {
    for (const role of ['read-only', 'analyst'] as const) {
      const s = await t.login(role);
      for (const [method, url] of [
        ['GET', '/api/v1/users'],
        ['POST', '/api/v1/users'],
        ['DELETE', '/api/v1/users/admin'],
        ['POST', '/api/v1/users/admin/keys'],
      ] as const) {
        for (const headers of [t.bearer(role), s.headers]) {
          const r = await t.app.inject({ method, url, headers, payload: { name: 'x', role: 'admin' } });
          expect(r.statusCode, `${role} ${method} ${url}`).toBe(403);
          expect(r.json()).toMatchObject({ error: { code: 'ACCORD_FORBIDDEN' } });
        }
      }
    }
  });

  it('the hook lets each role reach its routes only, and closes a route that declares none', async () => {
    const app = Fastify();
    await app.register(fastifyCookie);
    app.setErrorHandler(apiErrorHandler);
    app.decorateRequest('user', null as never);
    app.decorateRequest('apiAuth', null);
    app.addHook('onRequest', authHook(t.deps.users, new FailureLimiter()));
    for (const role of ROLES) app.get(`/${role}`, { config: { role } }, async () => ({ ok: true }));
    app.get('/open', { config: { public: true } }, async () => ({ ok: true }));
    app.get('/undeclared', async () => ({ ok: true }));
    for (const have of ROLES)
      for (const need of ROLES) {
        const r = await app.inject({ url: `/${need}`, headers: t.bearer(have) });
        expect(r.statusCode, `${have} -> ${need}`).toBe(roleAllows(have, need) ? 200 : 403);
      }
    expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/undeclared', headers: t.bearer('admin') })).statusCode).toBe(403);
    await app.close();
  });
});

describe('users administration', () => {
  it('adds a user (password generated once), changes its role, lists it', async () => {
    const h = t.bearer('admin');
    const add = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: { name: 'carol', role: 'read-only' },
    });
    expect(add.statusCode).toBe(201);
    const { password } = add.json() as { password: string };
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await login('carol', password, '10.0.4.1')).statusCode).toBe(200);
    const dup = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: { name: 'carol', role: 'admin', password: TEST_PASSWORD },
    });
    expect(dup.statusCode).toBe(409);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/carol',
      headers: h,
      payload: { role: 'analyst' },
    });
    expect(patch.json()).toMatchObject({ user: { name: 'carol', role: 'analyst' } });
    const list = await t.app.inject({ url: '/api/v1/users', headers: h });
    const names = (list.json() as { items: { name: string }[] }).items.map((u) => u.name);
    expect(names).toContain('carol');
    expect(JSON.stringify(list.json())).not.toMatch(/scrypt|hash/);
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/v1/users/nobody', headers: h });
    expect(missing.statusCode).toBe(404);
    const short = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: h,
      payload: { name: 'dave', role: 'analyst', password: 'short' },
    });
    expect(short.statusCode).toBe(400);
  });
});

describe('every API route', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-routes-'));
  let store: SqliteStore;
  let app: FastifyInstance;
  const routes: { method: string; url: string; options: { config?: unknown } }[] = [];
  const configOf = (r: (typeof routes)[number]) => (r.options.config ?? {}) as Record<string, unknown>;
  beforeAll(async () => {
    store = openSqliteStore(join(dir, 'accord.db'));
    app = Fastify();
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url, options: r });
    });
    await app.register(apiPlugin, { ...sqliteApiDeps(store), prefix: API_PREFIX });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares a role or public (deny by default)', () => {
    expect(routes.length).toBeGreaterThan(10);
    const undeclared = routes.filter(
      (r) => configOf(r).public !== true && !ROLES.includes(configOf(r).role as never),
    );
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Only login and the docs are public.
    const open = routes.filter((r) => configOf(r).public === true).map((r) => r.url);
    for (const u of open) expect(u === '/api/v1/auth/login' || u.startsWith('/api/docs'), u).toBe(true);
  });

  it('appear in the OpenAPI document at /api/docs/json', async () => {
    const r = await app.inject({ url: '/api/docs/json' });
    expect(r.statusCode).toBe(200);
    const doc = JSON.parse(r.body) as {
      openapi: string;
      info: { title: string };
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toBe('Accord API');
    const documented = new Set(Object.keys(doc.paths));
    for (const rt of routes) {
      if (rt.url.startsWith('/api/docs') || rt.method === 'HEAD') continue;
      expect(documented.has(rt.url.replace(/:(\w+)/g, '{$1}')), rt.url).toBe(true);
    }
    for (const p of ['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/users', '/api/v1/users/{name}/keys'])
      expect(documented.has(p), p).toBe(true);
    expect(r.body).toContain('ACCORD_VALIDATION');
  });

  it('answer unknown /api URLs with the API error body, also for malformed URLs', async () => {
    const r = await t.app.inject({ url: '/api/v1/nothing', headers: t.bearer('admin') });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: { code: 'ACCORD_NOT_FOUND', statusCode: 404 } });
    const bad = await t.app.inject({ url: '/api/v1/users/%E0%A4%A', headers: t.bearer('admin') });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'ACCORD_BAD_REQUEST' } });
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toContain("default-src 'none'");
  });
});
