/**
 * The statistics rollup against its reference: on random data sets, the figures the store reads
 * from the rollup equal those of the SQL over the observations (stats-query.ts) and those of the
 * memory store (figures.ts in JS), for any period and with or without a national country; after
 * a failed (rolled back) batch; and for a database whose rollup migration 6 built.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawFields } from '../../domain/schema/event.js';
import { MemoryStore } from '../memory/memory-store.js';
import { prepare, rejectEntry } from '../store.contract.js';
import type { PreparedEvent, StatsQuery } from '../store.js';
import { MIGRATIONS } from './migrations.js';
import { migrate, openSqliteStore, type SqliteStore } from './sqlite-store.js';
import { sqliteStatsFigures } from './stats-query.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-rollup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const DAYS = ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30'];
const opt = <T>(...values: T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

/** One random event: few hosts, C2 servers and fact values, so they collide often. */
const eventArb = fc
  .record({
    type: fc.constantFrom(
      'infected-system',
      'infected-system',
      'infected-system',
      'system-compromise',
      'scanner',
    ),
    // Mostly a few hosts (so they recur), some from a wider range (ids past one 32-bit bitmap word).
    host: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 250 })),
    c2: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    port: fc.constantFrom(443, 8080),
    day: fc.constantFrom(...DAYS),
    srcCc: opt('AT', 'DE'),
    srcAsn: opt(64496, 64497),
    srcScope: opt('domestic', 'foreign'),
    srcOrg: opt('isp-a', 'isp-b'),
    dstCc: opt('AT', 'US', 'NL'),
    dstAsn: opt(64500, 64501),
    dstScope: opt('domestic', 'foreign'),
    malware: opt('emotet', 'qakbot'),
    srcList: fc.boolean(),
    dstList: fc.boolean(),
  })
  .map((r): PreparedEvent => {
    const raw: Record<string, unknown> = {
      'time.source': `${r.day}T12:00:00Z`,
      'classification.type': r.type,
      'source.ip': `198.51.100.${r.host}`,
      'source.geolocation.cc': r.srcCc,
      'source.asn': r.srcAsn,
      'source.constituency.scope': r.srcScope,
      'source.constituency.org': r.srcOrg,
      'malware.name': r.malware,
      'source.warninglist': r.srcList ? 'list-a' : undefined,
    };
    if (r.c2 !== undefined)
      Object.assign(raw, {
        'destination.ip': `203.0.113.${r.c2}`,
        'destination.port': r.port,
        'destination.geolocation.cc': r.dstCc,
        'destination.asn': r.dstAsn,
        'destination.constituency.scope': r.dstScope,
        'destination.warninglist': r.dstList ? 'sinkholes' : undefined,
      });
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    return prepare(raw as RawFields);
  });

const queryArb = fc
  .record({
    a: fc.integer({ min: 0, max: DAYS.length - 1 }),
    b: fc.integer({ min: 0, max: DAYS.length - 1 }),
    country: opt('AT', 'DE'),
  })
  .map(
    ({ a, b, country }): StatsQuery => ({
      since: DAYS[Math.min(a, b)] as string,
      until: DAYS[Math.max(a, b)] as string,
      ...(country !== undefined ? { country } : {}),
    }),
  );

/** Write the events in batches of the given sizes (the rest in a last batch). */
async function writeIn(
  stores: ReadonlyArray<SqliteStore | MemoryStore>,
  events: PreparedEvent[],
  sizes: number[],
) {
  let at = 0;
  for (const size of [...sizes, events.length]) {
    const batch = events.slice(at, at + size);
    at += batch.length;
    if (batch.length > 0) for (const s of stores) await s.writeBatch({ events: batch, quarantine: [] });
  }
}

describe('statistics rollup', () => {
  it('gives the figures of the SQL reference and of the memory store, on random data sets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 120 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 4 }),
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        async (events, sizes, queries) => {
          const sqlite = openSqliteStore(':memory:');
          const memory = new MemoryStore();
          try {
            await writeIn([sqlite, memory], events, sizes);
            for (const q of queries) {
              const rollup = await sqlite.statsFigures(q);
              expect(rollup).toEqual(sqliteStatsFigures(sqlite.db, q));
              expect(rollup).toEqual(await memory.statsFigures(q));
            }
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 150, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);

  it('a batch that rolls back leaves no rollup behind, and no cached cell id', async () => {
    const s = openSqliteStore(join(dir, `rollback-${++n}.db`));
    try {
      const ev = (org: string, host: number) =>
        prepare({
          'time.source': '2026-10-28T12:00:00Z',
          'classification.type': 'infected-system',
          'source.ip': `198.51.100.${host}`,
          'source.constituency.scope': 'domestic',
          'source.constituency.org': org,
          'destination.ip': '203.0.113.1',
          'destination.constituency.scope': 'foreign',
        });
      // raw is NOT NULL in the quarantine table: the whole batch fails inside its transaction.
      const bad = { ...rejectEntry(1), raw: undefined as unknown as string };
      await expect(s.writeBatch({ events: [ev('org-a', 1)], quarantine: [bad] })).rejects.toThrow();
      // The id the failed batch gave org-a's cell now goes to org-b's; org-a must get a new one.
      await s.writeBatch({ events: [ev('org-b', 2)], quarantine: [] });
      await s.writeBatch({ events: [ev('org-a', 3), ev('org-a', 1)], quarantine: [] });
      const q = { since: '2026-10-28', until: '2026-10-28' };
      const f = await s.statsFigures(q);
      expect(f).toEqual(sqliteStatsFigures(s.db, q));
      expect(f.infectedByOwner).toEqual([
        { kind: 'org', key: 'org-a', count: 2 },
        { kind: 'org', key: 'org-b', count: 1 },
      ]);
      expect(f.hostsTalkingToC2Abroad).toBe(3);
    } finally {
      await s.close();
    }
  });

  it('migration 6 builds the rollup of a database written before it', async () => {
    const events = fc.sample(eventArb, { numRuns: 400, seed: 42 });
    // The same observations in a current store, copied into a database at schema version 5.
    const current = openSqliteStore(join(dir, `current-${++n}.db`));
    const oldPath = join(dir, `old-${n}.db`);
    const old = new Database(oldPath);
    try {
      await current.writeBatch({ events: events.slice(0, 300), quarantine: [] });
      migrate(
        old,
        MIGRATIONS.filter((m) => m.version <= 5),
      );
      old.exec(`ATTACH '${join(dir, `current-${n}.db`)}' AS cur`);
      const cols = (
        old.prepare('SELECT name FROM pragma_table_info(?)').all('observations') as { name: string }[]
      )
        .map((c) => c.name)
        .join(', ');
      old.exec(`INSERT INTO observations(${cols}) SELECT ${cols} FROM cur.observations; DETACH cur;`);
      expect(old.prepare('SELECT count(*) AS n FROM observations').get()).toEqual({
        n: (await current.counts()).observations,
      });
    } finally {
      old.close();
      await current.close();
    }
    const s = openSqliteStore(oldPath); // runs migration 6 (and any later ones)
    try {
      const queries = fc.sample(queryArb, { numRuns: 20, seed: 7 });
      for (const q of queries) expect(await s.statsFigures(q)).toEqual(sqliteStatsFigures(s.db, q));
      // New observations after the migration take ids after the migrated ones.
      await s.writeBatch({ events: events.slice(300), quarantine: [] });
      for (const q of queries) expect(await s.statsFigures(q)).toEqual(sqliteStatsFigures(s.db, q));
      const infected = await s.statsFigures({
        since: DAYS[0] as string,
        until: DAYS[4] as string,
        country: 'AT',
      });
      expect(infected.infectedHosts).toBeGreaterThan(0);
      expect(infected.c2ServersAbroad).toBeGreaterThan(0);
    } finally {
      await s.close();
    }
  });
});
