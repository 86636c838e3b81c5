import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { MIGRATIONS } from '../../storage/sqlite/migrations.js';
import { migrate, openSqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { CURRENT, EXPECTED_CURRENT, statsDataSet } from '../../storage/stats.contract.js';
import { prepare } from '../../storage/store.contract.js';
import { parseDay, resolvePeriods } from './period.js';
import { alignedTable, renderReport } from './render.js';
import { changePercent, statsReport } from './report.js';

describe('periods', () => {
  const today = '2026-11-22';
  it('since and until: that period, and the same number of days before it', () => {
    const r = resolvePeriods({ since: '2026-10-27', until: '2026-10-30', latestDay: undefined, today });
    expect(r).toEqual({
      ok: true,
      value: {
        current: { since: '2026-10-27', until: '2026-10-30', days: 4 },
        previous: { since: '2026-10-23', until: '2026-10-26', days: 4 },
        basis: 'as asked',
      },
    });
  });
  it('default: 30 days ending at the latest observation day, across month and leap day', () => {
    const r = resolvePeriods({ latestDay: '2024-03-15', today });
    expect(r.ok && r.value.current).toEqual({ since: '2024-02-15', until: '2024-03-15', days: 30 });
    expect(r.ok && r.value.previous).toEqual({ since: '2024-01-16', until: '2024-02-14', days: 30 });
    expect(r.ok && r.value.basis).toContain('latest observation day');
    const empty = resolvePeriods({ latestDay: undefined, today });
    expect(empty.ok && empty.value.current.until).toBe(today);
  });
  it('only one end: 30 days from it or up to it', () => {
    const a = resolvePeriods({ since: '2026-01-01', latestDay: undefined, today });
    expect(a.ok && a.value.current).toEqual({ since: '2026-01-01', until: '2026-01-30', days: 30 });
    const b = resolvePeriods({ until: '2026-01-30', latestDay: '2026-05-01', today });
    expect(b.ok && b.value.current).toEqual({ since: '2026-01-01', until: '2026-01-30', days: 30 });
  });
  it('days: YYYY-MM-DD or a time with a zone, cut to its UTC day; anything else is refused', () => {
    expect(parseDay('2026-10-27')).toBe('2026-10-27');
    expect(parseDay('2026-10-27T23:30:00-02:00')).toBe('2026-10-28');
    for (const bad of ['2026-02-30', '27/10/2026', '2026-10-27T10:00:00', '', 'yesterday'])
      expect(parseDay(bad), bad).toBeUndefined();
    expect(resolvePeriods({ since: 'x', latestDay: undefined, today })).toEqual({
      ok: false,
      error: '--since x: expected a day as YYYY-MM-DD',
    });
  });
});

describe('report', () => {
  it('change in %: one decimal, null when the previous figure is 0', () => {
    expect(changePercent(3, 2)).toBe(50);
    expect(changePercent(1, 3)).toBe(-66.7);
    expect(changePercent(0, 4)).toBe(-100);
    expect(changePercent(5, 0)).toBeNull();
    expect(changePercent(0, 0)).toBeNull();
  });

  it('both adapters give the same report, and the text report shows every figure', async () => {
    const sqlite = openSqliteStore(':memory:');
    const memory = new MemoryStore();
    try {
      for (const s of [sqlite, memory]) await s.writeBatch({ events: statsDataSet(prepare), quarantine: [] });
      const o = { since: CURRENT.since, until: CURRENT.until, country: 'at', today: '2026-11-22' };
      const a = await statsReport(sqlite, o);
      const b = await statsReport(memory, o);
      expect(a).toEqual(b);
      if (!a.ok) throw new Error(a.error);
      expect(a.report.infectedHosts.current).toBe(EXPECTED_CURRENT.infectedHosts);
      const text = renderReport(a.report);
      expect(text).toMatch(/^Domestic hosts seen infected +7 +2 +\+250\.0%$/m);
      expect(text).toMatch(/^ {2}of which talk to C2 servers abroad +3 +2 +\+50\.0%$/m);
      expect(text).toMatch(/^Warninglisted observations left out of C2 counts +1 +0 +new$/m);
      expect(text).toMatch(/^ {2}DE +1 +1 +0\.0% +2 +1 +\+100\.0%$/m);
      expect(text).toMatch(/^ {2}AS64501 +1 +1 +0\.0% +2 +1 +\+100\.0%$/m);
      expect(text).toMatch(/^ {2}hoster-b +1 +0 +new$/m);
    } finally {
      await sqlite.close();
    }
  });

  it('aligned tables: first column left, the others right', () => {
    expect(
      alignedTable(
        ['k', 'n'],
        [
          ['a', '1'],
          ['bbb', '1,000'],
        ],
        '',
      ),
    ).toBe('k        n\na        1\nbbb  1,000');
  });
});

describe('migration 2', () => {
  it('fills the facts of observations stored before it from their first event', async () => {
    const db = new Database(':memory:');
    try {
      migrate(db, MIGRATIONS.slice(0, 1));
      const [first, second] = [
        prepare({
          'time.source': '2026-10-28T10:00:00Z',
          'classification.type': 'infected-system',
          'source.ip': '198.51.100.1',
          'source.port': 1,
          'source.geolocation.cc': 'AT',
          'source.asn': 64496,
          'destination.ip': '203.0.113.10',
          'destination.geolocation.cc': 'US',
          'destination.warninglist': 'sinkholes',
          'malware.name': 'emotet',
        }),
        prepare({
          'time.source': '2026-10-28T11:00:00Z',
          'classification.type': 'infected-system',
          'source.ip': '198.51.100.1',
          'source.port': 2,
          'destination.ip': '203.0.113.10',
          'malware.name': 'emotet',
        }),
      ];
      for (const p of [first, second])
        db.prepare('INSERT INTO events(id, obs_key, feed, seen_at, data) VALUES (?, ?, ?, ?, ?)').run(
          p?.id,
          p?.observation.key,
          'contract',
          p?.seenAt,
          JSON.stringify(p?.event),
        );
      const o = first?.observation;
      db.prepare(
        `INSERT INTO observations(key, type, source, destination_ip, destination_port, malware, day, count, first_seen, last_seen)
         VALUES (?, ?, ?, ?, NULL, ?, ?, 2, 0, 0)`,
      ).run(o?.key, o?.type, o?.source, o?.destinationIp, o?.malware, o?.day);
      migrate(db);
      expect(
        db
          .prepare('SELECT feed, src_cc, src_asn, src_scope, dst_cc, dst_asn, warninglist FROM observations')
          .get(),
      ).toEqual({
        feed: 'contract',
        src_cc: 'AT',
        src_asn: 64496,
        src_scope: null,
        dst_cc: 'US',
        dst_asn: null,
        warninglist: 2,
      });
    } finally {
      db.close();
    }
  });
});
