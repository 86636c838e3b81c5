/**
 * The API's observation and event queries on a real SQLite store: each filter against a plain JS
 * filter of what was written, keyset pages that cover every row once, export batches.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawFields } from '../../domain/schema/event.js';
import { prepare } from '../store.contract.js';
import type { PreparedEvent } from '../store.js';
import {
  countObservations,
  decodeCursor,
  encodeCursor,
  eventBatches,
  type ObservationFilter,
  type ObservationItem,
  observationBatches,
  queryEvents,
  queryObservations,
} from './observation-query.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

const DAYS = ['2026-10-26', '2026-10-27', '2026-10-28'];
const eventArb = fc
  .record({
    type: fc.constantFrom('infected-system', 'system-compromise', 'scanner'),
    v6: fc.boolean(),
    host: fc.integer({ min: 1, max: 40 }),
    c2: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    day: fc.constantFrom(...DAYS),
    srcCc: fc.constantFrom('AT', 'DE'),
    srcAsn: fc.constantFrom(64496, 64497),
    srcScope: fc.constantFrom('domestic', 'foreign'),
    srcOrg: fc.option(fc.constantFrom('isp-a', 'isp-b'), { nil: undefined }),
    dstCc: fc.constantFrom('US', 'NL'),
    malware: fc.option(fc.constantFrom('emotet', 'qakbot'), { nil: undefined }),
    list: fc.boolean(),
    feed: fc.constantFrom('feed-a', 'feed-b'),
  })
  .map((r): PreparedEvent => {
    const raw: Record<string, unknown> = {
      'feed.name': r.feed,
      'time.source': `${r.day}T12:00:00Z`,
      'classification.type': r.type,
      'source.ip': r.v6 ? `2001:db8:${r.host}::1` : `198.51.${r.host < 20 ? 100 : 101}.${r.host}`,
      'source.geolocation.cc': r.srcCc,
      'source.asn': r.srcAsn,
      'source.constituency.scope': r.srcScope,
      'source.constituency.org': r.srcOrg,
      'malware.name': r.malware,
      'source.warninglist': r.list ? 'list-a' : undefined,
    };
    if (r.c2 !== undefined)
      Object.assign(raw, {
        'destination.ip': `203.0.113.${r.c2}`,
        'destination.port': 443,
        'destination.geolocation.cc': r.dstCc,
      });
    for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
    return prepare(raw as RawFields);
  });

let store: SqliteStore;
let all: ObservationItem[];
beforeAll(async () => {
  store = openSqliteStore(':memory:');
  const events = fc.sample(eventArb, { numRuns: 600, seed: 11 });
  await store.writeBatch({ events: events.slice(0, 300), quarantine: [] });
  await store.writeBatch({ events: events.slice(300), quarantine: [] });
  all = [...observationBatches(store.db, {}, 50)].flat();
});
afterAll(() => store.close());

function everyPage(f: ObservationFilter, limit: number): ObservationItem[] {
  const out: ObservationItem[] = [];
  let after: number | undefined;
  for (;;) {
    const p = queryObservations(store.db, f, { limit, ...(after !== undefined ? { after } : {}) });
    out.push(...p.items);
    if (p.next === null) return out;
    after = decodeCursor(encodeCursor(p.next));
  }
}

const inNet = (ip: string | null, prefix: string) => ip?.startsWith(prefix) === true;

describe('observation query', () => {
  it('pages cover every observation once, newest first', async () => {
    expect(all.length).toBe((await store.counts()).observations);
    expect(new Set(all.map((o) => o.key)).size).toBe(all.length);
    expect(everyPage({}, 7)).toEqual(all);
  });

  const cases: Array<[string, ObservationFilter, (o: ObservationItem) => boolean]> = [
    ['type', { type: 'scanner' }, (o) => o.type === 'scanner'],
    ['ip', { ip: '203.0.113.2' }, (o) => o.source === '203.0.113.2' || o.destinationIp === '203.0.113.2'],
    ['cidr v4', { cidr: { text: '198.51.101.0/24', version: 4 } }, (o) => inNet(o.source, '198.51.101.')],
    ['cidr v6', { cidr: { text: '2001:db8:7::/48', version: 6 } }, (o) => inNet(o.source, '2001:db8:7::')],
    ['asn', { asn: 64497 }, (o) => o.src.asn === 64497 || o.dst.asn === 64497],
    ['country', { country: 'NL' }, (o) => o.src.cc === 'NL' || o.dst.cc === 'NL'],
    ['srcCountry', { srcCountry: 'DE' }, (o) => o.src.cc === 'DE'],
    ['dstCountry', { dstCountry: 'US' }, (o) => o.dst.cc === 'US'],
    ['family', { family: 'qakbot' }, (o) => o.malware === 'qakbot'],
    ['owner', { owner: 'isp-b' }, (o) => o.src.org === 'isp-b' || o.dst.org === 'isp-b'],
    ['scope', { scope: 'foreign' }, (o) => o.src.scope === 'foreign'],
    ['warninglist', { warninglist: true }, (o) => o.warninglist],
    ['feed', { feed: 'feed-b' }, (o) => o.feed === 'feed-b'],
    [
      'since/until days',
      {
        since: { day: DAYS[1] as string, ms: 0, exact: false },
        until: { day: DAYS[1] as string, ms: 0, exact: false },
      },
      (o) => o.day === DAYS[1],
    ],
    [
      'since only (no index)',
      { type: 'infected-system', since: { day: DAYS[1] as string, ms: 0, exact: false } },
      (o) => o.type === 'infected-system' && o.day >= (DAYS[1] as string),
    ],
    [
      'short range (index)',
      {
        type: 'infected-system',
        since: { day: DAYS[0] as string, ms: 0, exact: false },
        until: { day: DAYS[1] as string, ms: 0, exact: false },
      },
      (o) => o.type === 'infected-system' && o.day <= (DAYS[1] as string),
    ],
    ['field', { fields: [{ name: 'source.asn', value: 64496 }] }, (o) => o.src.asn === 64496],
    [
      'combined',
      { type: 'infected-system', family: 'emotet', dstCountry: 'US' },
      (o) => o.type === 'infected-system' && o.malware === 'emotet' && o.dst.cc === 'US',
    ],
  ];
  it.each(cases)('filter %s keeps exactly the matching observations', (_name, f, keep) => {
    const expected = all.filter(keep);
    expect(expected.length).toBeGreaterThan(0);
    expect(everyPage(f, 13)).toEqual(expected);
    expect(countObservations(store.db, f, 100_000)).toEqual({ total: expected.length, capped: false });
    expect([...observationBatches(store.db, f, 9)].flat()).toEqual(expected);
  });

  it('counts are capped', () => {
    expect(countObservations(store.db, {}, 5)).toEqual({ total: 5, capped: true });
  });

  it('events: filters on the observation and the event, pages and batches agree', async () => {
    const events = [...eventBatches(store.db, {}, 100)].flat();
    expect(events.length).toBe((await store.counts()).events);
    const byQakbot = [...eventBatches(store.db, { family: 'qakbot', feed: 'feed-a' }, 7)].flat();
    expect(byQakbot.length).toBeGreaterThan(0);
    expect(byQakbot).toEqual(
      events.filter((e) => e.event['malware.name'] === 'qakbot' && e.feed === 'feed-a'),
    );
    const page = queryEvents(
      store.db,
      { fields: [{ name: 'source.geolocation.cc', value: 'AT' }] },
      { limit: 5 },
    );
    expect(page.items.length).toBe(5);
    for (const e of page.items) expect(e.event['source.geolocation.cc']).toBe('AT');
    expect(page.next).not.toBeNull();
  });

  it('cursors are opaque and checked', () => {
    expect(decodeCursor(encodeCursor(42))).toBe(42);
    for (const bad of [
      '',
      'x',
      '!!!',
      Buffer.from('{"r":-1}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
    ])
      expect(decodeCursor(bad)).toBeUndefined();
  });
});
