import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, type Migration } from './migrations.js';
import { migrate, openSqliteStore } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-migrations-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const newPath = () => join(dir, `m-${++n}.db`);

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

function versions(db: Database.Database): number[] {
  return (
    db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
  ).map((r) => r.version);
}

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('SQLite migrations', () => {
  it('are numbered 1, 2, 3, ... in order, each with a name', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    for (const m of MIGRATIONS) expect(m.name.length).toBeGreaterThan(0);
  });

  it('bring a fresh database to the latest version', () => {
    const db = new Database(newPath());
    try {
      expect(migrate(db)).toBe(MIGRATIONS.length);
      expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(tables(db)).toEqual(
        expect.arrayContaining(['events', 'observations', 'quarantine', 'ingest_runs', 'schema_migrations']),
      );
    } finally {
      db.close();
    }
  });

  it('apply nothing when the database is already at the latest version', async () => {
    const path = newPath();
    const first = openSqliteStore(path);
    await first.close();
    const db = new Database(path);
    try {
      const appliedAt = db.prepare('SELECT version, applied_at FROM schema_migrations').all();
      expect(migrate(db)).toBe(0);
      expect(db.prepare('SELECT version, applied_at FROM schema_migrations').all()).toEqual(appliedAt);
    } finally {
      db.close();
    }
    const again = openSqliteStore(path); // and the store opens it as it is
    expect(await again.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
    await again.close();
  });

  it('apply only the migrations a database lacks, in order', () => {
    const extra: Migration[] = [
      ...MIGRATIONS,
      { version: LATEST + 1, name: 'test: add a column', sql: 'ALTER TABLE events ADD COLUMN note TEXT;' },
      { version: LATEST + 2, name: 'test: add a table', sql: 'CREATE TABLE t2 (x INTEGER);' },
    ];
    const db = new Database(newPath());
    try {
      expect(migrate(db)).toBe(MIGRATIONS.length);
      expect(migrate(db, extra)).toBe(2);
      expect(versions(db)).toEqual(extra.map((m) => m.version));
      expect(tables(db)).toContain('t2');
      expect(migrate(db, extra)).toBe(0);
    } finally {
      db.close();
    }
  });

  it('a failing migration leaves the database at the version before it', () => {
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: LATEST + 1,
        name: 'test: half done',
        sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM nope;',
      },
    ];
    const db = new Database(newPath());
    try {
      expect(() => migrate(db, broken)).toThrow(/no such table: nope/);
      expect(versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(tables(db)).not.toContain('half');
    } finally {
      db.close();
    }
  });

  it('refuse a database from a newer Accord, saying so', () => {
    const path = newPath();
    const db = new Database(path);
    migrate(db);
    db.prepare('INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)').run(
      LATEST + 1,
      'from the future',
      Date.now(),
    );
    db.close();
    expect(() => openSqliteStore(path)).toThrow(
      `the database is at schema version ${LATEST + 1}, newer than this Accord knows (${LATEST}); upgrade Accord`,
    );
    // The refused file is closed, untouched and still readable.
    const check = new Database(path, { readonly: true });
    try {
      expect(versions(check)).toEqual([...MIGRATIONS.map((m) => m.version), LATEST + 1]);
    } finally {
      check.close();
    }
  });

  it('refuse a database that skipped a migration below its version, naming it', () => {
    const path = newPath();
    const db = new Database(path);
    // Made by a build that had 1, 2 and 4 but not 3.
    const without3 = MIGRATIONS.filter((m) => m.version !== 3 && m.version <= 4);
    migrate(db, without3);
    expect(() => migrate(db, MIGRATIONS.slice(0, 4))).toThrow(/at schema version 4 but never applied 3 \(/);
    db.close();
  });

  it('version 8 keeps every observation as it was, now in a rowid table with a unique key', () => {
    const path = newPath();
    const db = new Database(path);
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 7),
      );
      const insert = db.prepare(`INSERT INTO observations(key, type, source, destination_ip, destination_port,
        malware, day, count, first_seen, last_seen, feed, src_cc, warninglist, ids, tlp, sample)
        VALUES (?, 'infected-system', ?, '203.0.113.5', 443, 'mirai', ?, ?, 1, 2, 'f', 'CN', 0, ?, 2, NULL)`);
      for (let i = 0; i < 50; i++)
        insert.run(
          Buffer.alloc(16, i),
          `198.51.100.${i}`,
          `2026-10-0${1 + (i % 3)}`,
          i + 1,
          Buffer.alloc(8 * (1 + (i % 4)), i),
        );
      const before = db.prepare('SELECT * FROM observations ORDER BY key').all();
      migrate(db);
      expect(versions(db)).toContain(8);
      const after = db.prepare('SELECT * FROM observations ORDER BY key').all() as Array<
        Record<string, unknown>
      >;
      expect(after.map(({ rowid: _r, ...o }) => o)).toEqual(before);
      expect(() => insert.run(Buffer.alloc(16, 3), 'x', '2026-10-01', 1, Buffer.alloc(0))).toThrow(/UNIQUE/);
      const plan = db.prepare("EXPLAIN QUERY PLAN SELECT ids FROM observations WHERE key = x'00'").all();
      expect(JSON.stringify(plan)).toMatch(/observations_key/);
    } finally {
      db.close();
    }
  });
});
