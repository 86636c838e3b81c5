import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from './migrations.js';
import { eventStatement, queryEvents } from './observation-query.js';
import { migrate } from './sqlite-store.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-migration-10-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite migration 10 (address and event indexes for the API)', () => {
  it('applies on a populated version-9 database, and an address filter starts from the indexes', () => {
    const db = new Database(join(dir, 'm10.db'));
    try {
      migrate(
        db,
        MIGRATIONS.filter((m) => m.version <= 9),
      );
      const obs =
        db.prepare(`INSERT INTO observations(key, type, source, destination_ip, day, count, first_seen, last_seen, sample)
        VALUES (?, 'infected-system', ?, ?, '2026-10-01', 1, 1, 2, ?)`);
      const ev = db.prepare(`INSERT INTO events(id, obs_key, feed, seen_at, data) VALUES (?, ?, 'f', 1, ?)`);
      for (let i = 0; i < 250; i++) {
        const key = Buffer.alloc(16, i);
        const row = ev.run(Buffer.alloc(24, i), key, JSON.stringify({ 'source.ip': `198.51.100.${i}` }));
        obs.run(key, `198.51.100.${i}`, i % 3 === 0 ? '203.0.113.9' : null, Number(row.lastInsertRowid));
      }
      expect(migrate(db)).toBe(MIGRATIONS.length - 9);
      const indexes = (
        db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index'`).all() as Array<{ name: string }>
      ).map((r) => r.name);
      expect(indexes).toEqual(
        expect.arrayContaining(['observations_source', 'observations_destination', 'events_observation']),
      );

      const { st, args } = eventStatement(db, { ip: '203.0.113.9' }, undefined);
      // Without statistics SQLite's planner may read the events table first (it did on a store of
      // 14 M events); the statement fixes the order.
      expect(st.source).toMatch(/observations o CROSS JOIN events e/);
      const plan = (
        db.prepare(`EXPLAIN QUERY PLAN ${st.source}`).all(...args, 10) as Array<{ detail: string }>
      ).map((r) => r.detail);
      expect(plan.join('\n')).toMatch(/observations_destination/);
      expect(plan.join('\n')).toMatch(/events_observation/);
      expect(plan.join('\n')).not.toMatch(/^SCAN e$/m);
      // And the answer: the 84 events of observations whose C2 is that address, newest first.
      const page = queryEvents(db, { ip: '203.0.113.9' }, { limit: 1000 });
      expect(page.items).toHaveLength(84);
      const hosts = page.items.map((e) => String((e.event as Record<string, unknown>)['source.ip']));
      expect(hosts[0]).toBe('198.51.100.249');
      expect(hosts[hosts.length - 1]).toBe('198.51.100.0');
    } finally {
      db.close();
    }
  });
});
