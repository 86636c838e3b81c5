/**
 * For route tests (only tests import this): the real Accord app (src/server/app.ts, TAXII and the
 * REST API) over a SQLite file in a temporary directory, with one user of each role, an API key
 * for each, and a helper that logs in for a session cookie. Use `app.inject()` with real auth:
 *
 *   const t = await buildTestApi();
 *   afterAll(() => t.close());
 *   await t.store.writeBatch(...);                        // fill the store as the test needs
 *   const r = await t.app.inject({ url: '/api/v1/x', headers: t.bearer('analyst') });
 *   const s = await t.login('admin');                     // { cookie, csrfToken, headers }
 *   await t.app.inject({ method: 'POST', url: '/api/v1/y', headers: s.headers, payload: {...} });
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AccordConfig } from '../../config/accord-config.js';
import { openSqliteStore, type SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { buildApp } from '../app.js';
import { sqliteTaxiiOptions } from '../sqlite-taxii.js';
import { SESSION_COOKIE } from './auth/authenticate.js';
import { type ApiConfig, type ApiDeps, sqliteApiDeps } from './deps.js';
import { ROLES, type Role } from './roles.js';

export interface TestUser {
  readonly name: string;
  readonly password: string;
  readonly key: string;
}

export interface TestSession {
  /** `accord_session=<token>` for a Cookie header. */
  readonly cookie: string;
  readonly csrfToken: string;
  /** Cookie and X-CSRF-Token headers together. */
  readonly headers: Record<string, string>;
}

export interface TestApi {
  readonly app: FastifyInstance;
  readonly store: SqliteStore;
  readonly deps: ApiDeps;
  /** The temporary directory (the database is `accord.db` in it); removed by close(). */
  readonly dir: string;
  /** Users named after their role: `read-only`, `analyst`, `admin`. */
  readonly users: Readonly<Record<Role, TestUser>>;
  /** `{ authorization: 'Bearer <key>' }` of the role's user. */
  bearer(role: Role): Record<string, string>;
  login(role: Role): Promise<TestSession>;
  close(): Promise<void>;
}

export interface TestApiOptions {
  readonly config?: ApiConfig;
  readonly now?: () => number;
  /** Called with the open store before the app is built (e.g. to write observations). */
  readonly seed?: (store: SqliteStore) => Promise<void> | void;
  /** (B) The loaded accord.yaml the API sees (feeds, constituency). */
  readonly accordConfig?: AccordConfig;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function buildTestApi(o: TestApiOptions = {}): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'accord-api-'));
  const store = openSqliteStore(join(dir, 'accord.db'));
  await o.seed?.(store);
  const deps = sqliteApiDeps(store, {
    ...(o.config ? { config: o.config } : {}),
    ...(o.now ? { now: o.now } : {}),
  });
  const withConfig: ApiDeps = o.accordConfig ? { ...deps, accordConfig: o.accordConfig } : deps;
  const users = {} as Record<Role, TestUser>;
  for (const role of ROLES) {
    const added = await deps.users.add(role, role, TEST_PASSWORD);
    if (!added.ok) throw new Error(added.error);
    const key = await deps.users.issueKey(role, 'test');
    if (!key.ok) throw new Error(key.error);
    users[role] = { name: role, password: TEST_PASSWORD, key: key.value.key };
  }
  const app = await buildApp({ taxii: sqliteTaxiiOptions(store), api: withConfig });
  await app.ready();
  return {
    app,
    store,
    deps: withConfig,
    dir,
    users,
    bearer: (role) => ({ authorization: `Bearer ${users[role].key}` }),
    async login(role) {
      const r = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: role, password: TEST_PASSWORD },
      });
      if (r.statusCode !== 200) throw new Error(`login as ${role}: ${r.statusCode} ${r.body}`);
      const c = r.cookies.find((x) => x.name === SESSION_COOKIE);
      if (!c) throw new Error('login set no session cookie');
      const csrfToken = (r.json() as { csrfToken: string }).csrfToken;
      const cookie = `${SESSION_COOKIE}=${c.value}`;
      return { cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
