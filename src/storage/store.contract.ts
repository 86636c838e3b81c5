/**
 * The Store contract: one suite, run over every adapter (Kysely's way of testing dialects).
 * An adapter's test file is one line:
 *
 *   storeContract('sqlite', () => Promise.resolve(openSqliteStore(tmpFile())), { reopen });
 *
 * `open` must return a new, empty store each time. `reopen`, when the adapter persists, opens the
 * same storage again after `close()` (the suite checks nothing is lost). A PostgreSQL adapter
 * passes the same suite with `open` creating a fresh schema per call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { harmonise } from '../domain/harmonise.js';
import { eventId, observationKey } from '../domain/identity.js';
import type { RawFields } from '../domain/schema/event.js';
import { defaultBounds, parseTimestampMs } from '../domain/time.js';
import { statsContract } from './stats.contract.js';
import type { FeedState, PreparedEvent, QuarantineInput, Store } from './store.js';

export interface ContractOptions {
  /** Open the storage `store` used, after it was closed. Omit for adapters that do not persist. */
  readonly reopen?: (closed: Store) => Promise<Store>;
}

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };
const OBSERVED = '2026-11-01T00:00:00+00:00';

/** An event as the pipeline prepares it, from raw fields (real harmonise, identity and keys). */
export function prepare(raw: RawFields): PreparedEvent {
  const r = harmonise({ 'feed.name': 'contract', 'time.observation': OBSERVED, ...raw }, CTX);
  if (!r.ok) throw new Error(`bad test event: ${r.rejection.reason}`);
  const ts = r.event['time.source'] ?? r.event['time.observation'] ?? OBSERVED;
  return {
    id: eventId(r.event),
    event: r.event,
    observation: observationKey(r.event),
    seenAt: parseTimestampMs(ts) as number,
  };
}

/** An infected host talking to a C2 at `time` (same host, C2 and day = same observation). */
export function infected(
  time: string,
  port = 49152,
  host = '198.51.100.23',
  feed = 'contract',
): PreparedEvent {
  return prepare({
    'feed.name': feed,
    'time.source': time,
    'classification.type': 'infected-system',
    'source.ip': host,
    'source.port': port,
    'destination.ip': '203.0.113.80',
    'destination.port': 443,
    'malware.name': 'emotet',
  });
}

export function rejectEntry(line: number, over: Partial<QuarantineInput> = {}): QuarantineInput {
  return {
    feed: 'contract',
    source: 'input.csv',
    format: 'csv',
    line,
    reason: `column 3: "x" is not an IP address (line ${line})`,
    raw: `a,b,x,${line}`,
    ...over,
  };
}

export function storeContract(name: string, open: () => Promise<Store>, options: ContractOptions = {}): void {
  describe(`Store contract: ${name}`, () => {
    const opened: Store[] = [];
    const fresh = async () => {
      const s = await open();
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe('writeBatch', () => {
      it('stores new events and folds ones already stored', async () => {
        const s = await fresh();
        const events = [
          infected('2026-10-30T10:00:00Z'),
          infected('2026-10-30T11:00:00Z', 50000),
          infected('2026-10-30T12:00:00Z', 50001, '198.51.100.24'),
        ];
        expect(await s.writeBatch({ events, quarantine: [] })).toEqual({
          new: 3,
          folded: 0,
          quarantined: 0,
          newObservations: 2,
        });
        expect(await s.writeBatch({ events, quarantine: [] })).toEqual({
          new: 0,
          folded: 3,
          quarantined: 0,
          newObservations: 0,
        });
        expect(await s.counts()).toEqual({ events: 3, observations: 2, quarantine: 0 });
      });

      it('counts a duplicate within one batch once', async () => {
        const s = await fresh();
        const a = infected('2026-10-30T10:00:00Z');
        const b = infected('2026-10-30T10:05:00Z', 50000);
        const r = await s.writeBatch({ events: [a, a, b, a], quarantine: [] });
        expect(r).toEqual({ new: 2, folded: 2, quarantined: 0, newObservations: 1 });
        const [o] = await s.listObservations();
        expect(o?.count).toBe(2);
        expect(await s.counts()).toMatchObject({ events: 2, observations: 1 });
      });

      it('an empty batch changes nothing', async () => {
        const s = await fresh();
        expect(await s.writeBatch({ events: [], quarantine: [] })).toEqual({
          new: 0,
          folded: 0,
          quarantined: 0,
          newObservations: 0,
        });
        expect(await s.counts()).toEqual({ events: 0, observations: 0, quarantine: 0 });
      });

      it('keeps observation count and first/last seen across batches', async () => {
        const s = await fresh();
        const r1 = await s.writeBatch({
          events: [infected('2026-10-30T10:00:00Z', 1000), infected('2026-10-30T12:00:00Z', 1001)],
          quarantine: [],
        });
        expect(r1.newObservations).toBe(1);
        const r2 = await s.writeBatch({
          events: [
            infected('2026-10-30T08:00:00Z', 1002), // earlier: moves first seen
            infected('2026-10-30T10:00:00Z', 1000), // already stored: folds, no count
            infected('2026-10-30T23:59:59Z', 1003), // later: moves last seen
          ],
          quarantine: [],
        });
        expect(r2).toEqual({ new: 2, folded: 1, quarantined: 0, newObservations: 0 });
        const obs = await s.listObservations();
        expect(obs).toEqual([
          {
            type: 'infected-system',
            source: '198.51.100.23',
            destinationIp: '203.0.113.80',
            destinationPort: 443,
            malware: 'emotet',
            day: '2026-10-30',
            count: 4,
            firstSeen: '2026-10-30T08:00:00.000Z',
            lastSeen: '2026-10-30T23:59:59.000Z',
          },
        ]);
        // The next day is a new observation.
        const r3 = await s.writeBatch({ events: [infected('2026-10-31T00:00:00Z', 1000)], quarantine: [] });
        expect(r3.newObservations).toBe(1);
        expect((await s.counts()).observations).toBe(2);
      });

      it('stores events as given and lists them in storage order, by feed, up to a limit', async () => {
        const s = await fresh();
        const a = infected('2026-10-30T10:00:00Z', 1, '198.51.100.1', 'feed-a');
        const b = infected('2026-10-30T09:00:00Z', 2, '198.51.100.2', 'feed-b');
        const c = prepare({
          'feed.name': 'feed-a',
          'source.url': 'http://example.com/x',
          'extra.tags': ['a', 'b'],
          'extra.n': 1,
        });
        await s.writeBatch({ events: [a, b], quarantine: [] });
        await s.writeBatch({ events: [c], quarantine: [] });
        expect(await s.listEvents()).toEqual([a.event, b.event, c.event]);
        expect(await s.listEvents({ feed: 'feed-a' })).toEqual([a.event, c.event]);
        expect(await s.listEvents({ limit: 2 })).toEqual([a.event, b.event]);
        expect(await s.listEvents({ feed: 'nope' })).toEqual([]);
      });

      it('two concurrent batches of the same events store each event once', async () => {
        const s = await fresh();
        const events = Array.from({ length: 50 }, (_, i) => infected('2026-10-30T10:00:00Z', 1000 + i));
        const [x, y] = await Promise.all([
          s.writeBatch({ events, quarantine: [] }),
          s.writeBatch({ events, quarantine: [] }),
        ]);
        expect((x?.new ?? 0) + (y?.new ?? 0)).toBe(50);
        expect((x?.folded ?? 0) + (y?.folded ?? 0)).toBe(50);
        expect((await s.listObservations())[0]?.count).toBe(50);
      });
    });

    describe('observations', () => {
      it('lists by day, type, source, destination, port and malware, with filters and a limit', async () => {
        const s = await fresh();
        const mk = (raw: RawFields) => prepare({ 'time.source': '2026-10-30T10:00:00Z', ...raw });
        const events = [
          mk({
            'time.source': '2026-10-31T00:00:00Z',
            'classification.type': 'scanner',
            'source.ip': '192.0.2.1',
          }),
          mk({ 'classification.type': 'scanner', 'source.ip': '192.0.2.9' }),
          mk({ 'classification.type': 'scanner', 'source.ip': '192.0.2.10' }), // "192.0.2.10" < "192.0.2.9"
          mk({
            'classification.type': 'infected-system',
            'source.ip': '192.0.2.5',
            'destination.ip': '203.0.113.1',
            'destination.port': 8080,
          }),
          mk({
            'classification.type': 'infected-system',
            'source.ip': '192.0.2.5',
            'destination.ip': '203.0.113.1',
            'destination.port': 443,
          }),
          mk({
            'classification.type': 'infected-system',
            'source.ip': '192.0.2.5',
            'destination.ip': '203.0.113.1',
          }),
          mk({
            'classification.type': 'infected-system',
            'source.ip': '192.0.2.5',
            'destination.ip': '203.0.113.1',
            'destination.port': 443,
            'malware.name': 'emotet',
          }),
        ];
        // Written in an order unlike the listing order.
        await s.writeBatch({ events: [...events].reverse(), quarantine: [] });
        const obs = await s.listObservations();
        expect(
          obs.map((o) => [o.day, o.type, o.source, o.destinationIp, o.destinationPort, o.malware]),
        ).toEqual([
          ['2026-10-30', 'infected-system', '192.0.2.5', '203.0.113.1', null, null],
          ['2026-10-30', 'infected-system', '192.0.2.5', '203.0.113.1', 443, null],
          ['2026-10-30', 'infected-system', '192.0.2.5', '203.0.113.1', 443, 'emotet'],
          ['2026-10-30', 'infected-system', '192.0.2.5', '203.0.113.1', 8080, null],
          ['2026-10-30', 'scanner', '192.0.2.10', null, null, null],
          ['2026-10-30', 'scanner', '192.0.2.9', null, null, null],
          ['2026-10-31', 'scanner', '192.0.2.1', null, null, null],
        ]);
        expect((await s.listObservations({ type: 'scanner' })).map((o) => o.source)).toEqual([
          '192.0.2.10',
          '192.0.2.9',
          '192.0.2.1',
        ]);
        expect(await s.listObservations({ source: '192.0.2.9' })).toHaveLength(1);
        expect(await s.listObservations({ limit: 2 })).toEqual(obs.slice(0, 2));
      });
    });

    describe('quarantine', () => {
      it('the same feed, source, line and raw text twice is one entry', async () => {
        const s = await fresh();
        const q = rejectEntry(7);
        const r1 = await s.writeBatch({ events: [], quarantine: [q, q] });
        // Every record quarantined is counted (read = new + folded + quarantined) ...
        expect(r1.quarantined).toBe(2);
        const r2 = await s.writeBatch({ events: [], quarantine: [q] });
        expect(r2.quarantined).toBe(1);
        // ... but stored once.
        expect((await s.counts()).quarantine).toBe(1);
        // Another line, raw text, source or feed is another entry.
        await s.writeBatch({
          events: [],
          quarantine: [
            rejectEntry(8),
            rejectEntry(7, { raw: 'other' }),
            rejectEntry(7, { source: 'other.csv' }),
            rejectEntry(7, { feed: 'other' }),
          ],
        });
        expect((await s.counts()).quarantine).toBe(5);
      });

      it('keeps feed, source, format, line, reason, field and raw text, and gets an entry by id', async () => {
        const s = await fresh();
        const before = Date.now();
        await s.writeBatch({
          events: [],
          quarantine: [rejectEntry(3, { field: 'source.ip' }), rejectEntry(4)],
        });
        const [first, second] = await s.listQuarantine();
        expect(first).toMatchObject({ ...rejectEntry(3), field: 'source.ip' });
        expect(second).toMatchObject(rejectEntry(4));
        expect(second).not.toHaveProperty('field');
        expect(typeof first?.id).toBe('string');
        expect(first?.id).not.toBe(second?.id);
        const at = Date.parse(first?.at ?? '');
        expect(at).toBeGreaterThanOrEqual(before - 1000);
        expect(at).toBeLessThanOrEqual(Date.now() + 1000);
        expect(await s.getQuarantine(first?.id ?? '')).toEqual(first);
        expect(await s.getQuarantine('no-such-id')).toBeUndefined();
      });

      it('keeps the exact bytes of a record that is not UTF-8', async () => {
        const s = await fresh();
        const bytes = Buffer.from([0x31, 0x2c, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]);
        await s.writeBatch({
          events: [],
          quarantine: [rejectEntry(2, { raw: bytes.toString('utf8'), bytes, reason: 'not UTF-8' })],
        });
        const [q] = await s.listQuarantine();
        expect(q?.raw).toBe(bytes.toString('utf8'));
        expect(Buffer.isBuffer(q?.bytes)).toBe(true);
        expect(q?.bytes?.equals(bytes)).toBe(true);
        expect((await s.getQuarantine(q?.id ?? ''))?.bytes?.equals(bytes)).toBe(true);
      });

      it('lists by feed and source, in storage order, page by page with `after`', async () => {
        const s = await fresh();
        const entries: QuarantineInput[] = [];
        for (let i = 1; i <= 12; i++) entries.push(rejectEntry(i, { feed: i % 3 === 0 ? 'b' : 'a' }));
        await s.writeBatch({ events: [], quarantine: entries.slice(0, 5) });
        await s.writeBatch({ events: [], quarantine: entries.slice(5) });

        const all = await s.listQuarantine({ limit: 100 });
        expect(all.map((q) => q.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
        expect((await s.listQuarantine({ limit: 5 })).map((q) => q.line)).toEqual([1, 2, 3, 4, 5]);

        // Keyset pages of 3 over feed "a" visit each of its entries once, in order.
        const seen: number[] = [];
        let after: string | undefined;
        for (let page = 0; page < 10; page++) {
          const rows = await s.listQuarantine({ feed: 'a', limit: 3, ...(after ? { after } : {}) });
          if (rows.length === 0) break;
          expect(rows.length).toBeLessThanOrEqual(3);
          seen.push(...rows.map((q) => q.line));
          after = rows[rows.length - 1]?.id;
        }
        expect(seen).toEqual([1, 2, 4, 5, 7, 8, 10, 11]);
        expect((await s.listQuarantine({ feed: 'b' })).map((q) => q.line)).toEqual([3, 6, 9, 12]);
        expect(await s.listQuarantine({ feed: 'none' })).toEqual([]);
        expect(await s.listQuarantine({ source: 'other.csv' })).toEqual([]);
        expect(await s.listQuarantine({ source: 'input.csv', limit: 1 })).toHaveLength(1);

        // `after` is a position: an id from another feed still pages from where it sits.
        const third = all[2]; // line 3, feed "b"
        expect(
          (await s.listQuarantine({ feed: 'a', after: third?.id ?? '', limit: 2 })).map((q) => q.line),
        ).toEqual([4, 5]);
        expect(await s.listQuarantine({ after: all[11]?.id ?? '' })).toEqual([]);
      });
    });

    describe('runs', () => {
      it('records a run from start to finish, newest first', async () => {
        const s = await fresh();
        const first = await s.startRun({ source: 'a.csv', feed: 'feed-a', format: 'csv' });
        const second = await s.startRun({ source: 'b.csv', feed: 'feed-b', format: 'csv' });
        expect(first).not.toBe(second);
        await s.finishRun(first, { status: 'ok', read: 10, new: 7, folded: 2, quarantined: 1 });
        await s.finishRun(second, {
          status: 'failed',
          read: 3,
          new: 3,
          folded: 0,
          quarantined: 0,
          error: 'stalled',
        });
        const runs = await s.listRuns();
        expect(runs.map((r) => r.id)).toEqual([second, first]);
        expect(runs[1]).toMatchObject({
          id: first,
          source: 'a.csv',
          feed: 'feed-a',
          format: 'csv',
          status: 'ok',
          read: 10,
          new: 7,
          folded: 2,
          quarantined: 1,
        });
        expect(runs[1]).not.toHaveProperty('error');
        expect(runs[0]).toMatchObject({ status: 'failed', error: 'stalled' });
        expect(Date.parse(runs[0]?.startedAt ?? '')).not.toBeNaN();
        expect(Date.parse(runs[0]?.finishedAt ?? '')).not.toBeNaN();
        expect(await s.listRuns({ limit: 1 })).toHaveLength(1);
      });

      it('a run not yet finished is "running"', async () => {
        const s = await fresh();
        const id = await s.startRun({ source: '-', feed: 'f', format: 'csv' });
        const [r] = await s.listRuns();
        expect(r).toMatchObject({ id, status: 'running' });
        expect(r).not.toHaveProperty('finishedAt');
        expect(r).not.toHaveProperty('read');
      });
    });

    describe('feed state', () => {
      it('stores, replaces and lists feed health by feed name, and survives reopen', async () => {
        const s = await fresh();
        expect(await s.getFeedState('a')).toBeUndefined();
        expect(await s.listFeedStates()).toEqual([]);
        const failed: FeedState = {
          feed: 'b',
          lastRunAt: '2026-11-01T10:00:00.000Z',
          lastStatus: 'failed',
          lastErrorAt: '2026-11-01T10:00:00.000Z',
          lastError: 'http://192.0.2.1/x: HTTP 500 Internal Server Error',
          failures: 2,
          nextRunAt: '2026-11-01T11:00:00.000Z',
        };
        const good: FeedState = {
          feed: 'a',
          lastRunAt: '2026-11-01T09:00:00.000Z',
          lastStatus: 'ok',
          lastSuccessAt: '2026-11-01T09:00:00.000Z',
          failures: 0,
          lastRead: 10,
          lastNew: 8,
          lastQuarantined: 2,
          httpUrl: 'https://example.com/feed.csv',
          etag: '"v1"',
          lastModified: 'Sun, 01 Nov 2026 08:00:00 GMT',
        };
        await s.putFeedState(failed);
        await s.putFeedState(good);
        expect(await s.getFeedState('b')).toEqual(failed);
        expect(await s.listFeedStates()).toEqual([good, failed]);
        // Replaced whole: fields left out are gone.
        const next: FeedState = {
          feed: 'a',
          lastRunAt: '2026-11-01T10:00:00.000Z',
          lastStatus: 'not-modified',
        };
        await s.putFeedState(next);
        expect(await s.getFeedState('a')).toEqual(next);
        if (options.reopen) {
          await s.close();
          const t = await options.reopen(s);
          opened.push(t);
          expect(await t.listFeedStates()).toEqual([next, failed]);
        }
      });
    });

    statsContract(fresh, prepare);

    if (options.reopen) {
      const reopen = options.reopen;
      it('keeps everything across close and reopen', async () => {
        const s = await fresh();
        const events = [infected('2026-10-30T10:00:00Z'), infected('2026-10-30T11:00:00Z', 2)];
        const bytes = Buffer.from([0xff, 0x41]);
        await s.writeBatch({
          events,
          quarantine: [rejectEntry(1), rejectEntry(2, { bytes, raw: '\ufffdA' })],
        });
        const run = await s.startRun({ source: 'a.csv', feed: 'contract', format: 'csv' });
        await s.finishRun(run, { status: 'ok', read: 4, new: 2, folded: 0, quarantined: 2 });
        const before = {
          counts: await s.counts(),
          events: await s.listEvents(),
          observations: await s.listObservations(),
          quarantine: await s.listQuarantine(),
          runs: await s.listRuns(),
        };
        await s.close();
        const t = await reopen(s);
        opened.push(t);
        expect(await t.counts()).toEqual(before.counts);
        expect(await t.listEvents()).toEqual(before.events);
        expect(await t.listObservations()).toEqual(before.observations);
        expect(await t.listQuarantine()).toEqual(before.quarantine);
        expect(await t.listRuns()).toEqual(before.runs);
        // Identities survive: the same events fold, the same rejects are not stored twice.
        expect(await t.writeBatch({ events, quarantine: [rejectEntry(1)] })).toEqual({
          new: 0,
          folded: 2,
          quarantined: 1,
          newObservations: 0,
        });
        expect(await t.counts()).toEqual(before.counts);
      });
    }
  });
}
