/**
 * First start: when no user exists, create `admin` (role admin) with a random password and write
 * the password to `<dir>/admin-password.txt` (mode 0600), so the operator can log in to the
 * dashboard. Returns the file's path when it made one; later starts change nothing.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqliteUserStore } from './sqlite-user-store.js';

export const FIRST_ADMIN = 'admin';
export const ADMIN_PASSWORD_FILE = 'admin-password.txt';

export async function ensureFirstAdmin(users: SqliteUserStore, dir: string): Promise<string | undefined> {
  if (users.count() > 0) return undefined;
  const added = await users.add(FIRST_ADMIN, 'admin');
  if (!added.ok) throw new Error(added.error);
  const file = join(dir, ADMIN_PASSWORD_FILE);
  writeFileSync(file, `${added.value.password}\n`, { mode: 0o600, flag: 'w' });
  return file;
}
