import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../../server/api/auth/sqlite-user-store.js';
import { MIGRATIONS } from './migrations.js';
import { migrate } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-migration-9-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite migration 9 (users, sessions, API keys)', () => {
  it('applies on a populated version-8 database, keeping its rows, and the user store works on it', async () => {
    const db = new Database(join(dir, 'm9.db'));
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 8),
      );
      const insert =
        db.prepare(`INSERT INTO observations(key, type, source, day, count, first_seen, last_seen)
        VALUES (?, 'infected-system', ?, '2026-10-01', 1, 1, 2)`);
      for (let i = 0; i < 20; i++) insert.run(Buffer.alloc(16, i), `198.51.100.${i}`);
      db.prepare(
        `INSERT INTO partners(name, country, identity_id, inbox, agreement, created_at)
         VALUES ('cert-xx', 'XX', 'identity--x', 'inbox-x', '{}', '2026-10-01T00:00:00Z')`,
      ).run();
      db.prepare(
        `INSERT INTO partner_credentials(id, partner, kind, username, hash, created_at)
         VALUES ('pw-1', NULL, 'basic', 'admin', 'h', '2026-10-01T00:00:00Z')`,
      ).run();
      const before = {
        observations: db.prepare('SELECT * FROM observations ORDER BY rowid').all(),
        partners: db.prepare('SELECT * FROM partners').all(),
        credentials: db.prepare('SELECT * FROM partner_credentials').all(),
      };
      expect(migrate(db)).toBe(MIGRATIONS.length - 8);
      expect(
        (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map(
          (r) => r.version,
        ),
      ).toContain(9);
      expect(db.prepare('SELECT * FROM observations ORDER BY rowid').all()).toEqual(before.observations);
      expect(db.prepare('SELECT * FROM partners').all()).toEqual(before.partners);
      expect(db.prepare('SELECT * FROM partner_credentials').all()).toEqual(before.credentials);
      // An admin partner credential is no dashboard user: the users table starts empty.
      const users = new SqliteUserStore(db);
      expect(users.count()).toBe(0);
      const added = await users.add('alice', 'analyst', 'a long enough password');
      expect(added.ok).toBe(true);
      expect(await users.verifyPassword('alice', 'a long enough password')).toEqual({
        name: 'alice',
        role: 'analyst',
      });
      const row = db.prepare('SELECT password_hash FROM users').get() as { password_hash: string };
      expect(row.password_hash).toMatch(/^scrypt\$/);
      expect(migrate(db)).toBe(0);
    } finally {
      db.close();
    }
  });
});
