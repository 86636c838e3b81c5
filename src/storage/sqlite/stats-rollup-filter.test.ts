/**
 * Filtered statistics (c2Country, family, network: the REST API's /stats and /stats/daily) against
 * their references: on random data sets, the rollup's figures with a filter equal the SQL over
 * the observations with the same filter (stats-query.ts) and the memory store's; the daily
 * figures equal a direct count per day; a filter that matches nothing gives zeros.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RawFields } from '../../domain/schema/event.js';
import { MemoryStore } from '../memory/memory-store.js';
import { prepare } from '../store.contract.js';
import type { PreparedEvent, StatsFilter, StatsQuery } from '../store.js';
import { openSqliteStore } from './sqlite-store.js';
import { sqliteDailyFigures, sqliteStatsFigures } from './stats-query.js';
import { daysOf, rollupDailyFigures } from './stats-rollup-daily.js';

const DAYS = ['2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30'];
const opt = <T>(...values: T[]) => fc.option(fc.constantFrom(...values), { nil: undefined });

const eventArb = fc
  .record({
    type: fc.constantFrom('infected-system', 'infected-system', 'system-compromise', 'scanner'),
    host: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 250 })),
    c2: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    day: fc.constantFrom(...DAYS),
    srcCc: opt('AT', 'DE'),
    srcAsn: opt(64496, 64497),
    srcScope: opt('domestic', 'foreign'),
    srcOrg: opt('isp-a', 'isp-b'),
    dstCc: opt('AT', 'US', 'NL'),
    dstAsn: opt(64500, 64501),
    dstScope: opt('domestic', 'foreign'),
    malware: opt('emotet', 'qakbot'),
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
    };
    if (r.c2 !== undefined)
      Object.assign(raw, {
        'destination.ip': `203.0.113.${r.c2}`,
        'destination.port': 443,
        'destination.geolocation.cc': r.dstCc,
        'destination.asn': r.dstAsn,
        'destination.constituency.scope': r.dstScope,
        'destination.warninglist': r.dstList ? 'sinkholes' : undefined,
      });
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    return prepare(raw as RawFields);
  });

const filterArb = fc
  .record({
    c2Country: opt('US', 'NL', 'AT', 'ZZ'),
    family: opt('emotet', 'qakbot'),
    network: opt('isp-a', 'AS64496', 'nope'),
  })
  .map((f): StatsFilter => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)));

const queryArb = fc
  .record({
    a: fc.integer({ min: 0, max: DAYS.length - 1 }),
    b: fc.integer({ min: 0, max: DAYS.length - 1 }),
    country: opt('AT', 'DE'),
    filter: filterArb,
  })
  .map(
    ({ a, b, country, filter }): StatsQuery => ({
      since: DAYS[Math.min(a, b)] as string,
      until: DAYS[Math.max(a, b)] as string,
      ...(country !== undefined ? { country } : {}),
      filter,
    }),
  );

describe('filtered statistics', () => {
  it('rollup figures with a filter equal the SQL reference and the memory store', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { maxLength: 120 }),
        fc.array(queryArb, { minLength: 1, maxLength: 4 }),
        async (events, queries) => {
          const sqlite = openSqliteStore(':memory:');
          const memory = new MemoryStore();
          try {
            if (events.length > 0) {
              await sqlite.writeBatch({ events, quarantine: [] });
              await memory.writeBatch({ events, quarantine: [] });
            }
            for (const q of queries) {
              const rollup = await sqlite.statsFigures(q);
              expect(rollup).toEqual(sqliteStatsFigures(sqlite.db, q));
              expect(rollup).toEqual(await memory.statsFigures(q));
              const daily = rollupDailyFigures(sqlite.db, q);
              const reference = new Map(sqliteDailyFigures(sqlite.db, q).map((d) => [d.day, d]));
              expect(daily.map((d) => d.day)).toEqual(daysOf(q.since, q.until));
              for (const d of daily)
                expect(d).toEqual(reference.get(d.day) ?? { day: d.day, infectedHosts: 0, c2Servers: 0 });
            }
          } finally {
            await sqlite.close();
          }
        },
      ),
      { numRuns: 120, interruptAfterTimeLimit: 60_000 },
    );
  }, 120_000);

  it('an empty filter is the unfiltered figures; a filter matching nothing gives zeros', async () => {
    const events = fc.sample(eventArb, { numRuns: 300, seed: 3 });
    const s = openSqliteStore(':memory:');
    try {
      await s.writeBatch({ events, quarantine: [] });
      const q = { since: DAYS[0] as string, until: DAYS[4] as string, country: 'AT' };
      const all = await s.statsFigures(q);
      expect(all.infectedHosts).toBeGreaterThan(0);
      expect(await s.statsFigures({ ...q, filter: {} })).toEqual(all);
      const none = await s.statsFigures({ ...q, filter: { c2Country: 'ZZ' } });
      expect(none.infectedHosts).toBe(0);
      expect(none.compromisedWebsites).toBe(0);
      expect(none.c2ByCountry).toEqual([]);
      const us = await s.statsFigures({ ...q, filter: { c2Country: 'US' } });
      expect(us.c2ByCountry.map((r) => r.key)).toEqual(['US']);
      expect(us.c2ServersAbroad).toBe(all.c2ByCountry.find((r) => r.key === 'US')?.servers);
    } finally {
      await s.close();
    }
  });
});
