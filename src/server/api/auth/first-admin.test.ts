import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from '../../../storage/sqlite/sqlite-store.js';
import { ADMIN_PASSWORD_FILE, ensureFirstAdmin } from './first-admin.js';
import { SqliteUserStore } from './sqlite-user-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-first-admin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('creates admin with a random password in a 0600 file on first start only', async () => {
  const store = openSqliteStore(join(dir, 'accord.db'));
  try {
    const users = new SqliteUserStore(store.db);
    const file = await ensureFirstAdmin(users, dir);
    expect(file).toBe(join(dir, ADMIN_PASSWORD_FILE));
    expect(statSync(file as string).mode & 0o777).toBe(0o600);
    const password = readFileSync(file as string, 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(await users.verifyPassword('admin', password)).toEqual({ name: 'admin', role: 'admin' });
    expect(await ensureFirstAdmin(users, dir)).toBeUndefined();
    expect(users.list().map((u) => u.name)).toEqual(['admin']);
  } finally {
    await store.close();
  }
});
