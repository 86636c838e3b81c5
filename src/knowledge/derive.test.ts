import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RawFields } from '../domain/schema/event.js';
import { mayRelease, TLP2_MARKING_IDS, type TlpLevel, tlpOfMarkings } from '../domain/tlp.js';
import { MemoryKnowledgeStore } from '../storage/knowledge/memory-knowledge-store.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.js';
import { prepare } from '../storage/store.contract.js';
import { aggregateC2, c2Row, sqliteC2Rows } from './c2-activity.js';
import { type DerivedContent, deriveAndStore, deriveContent, identityId } from './derive.js';
import { exportBundleText } from './export.js';
import { scoId } from './ids.js';
import { KNOWLEDGE_COLLECTION } from './knowledge-store.js';
import { hasStixSchemas, loadStixSchemas } from './test-support/oasis-schemas.js';
import { validateObject } from './validate.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-derive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bot = (time: string, host: string, c2: string, feed: string, extra: RawFields = {}) =>
  prepare({
    'feed.name': feed,
    'time.source': time,
    'classification.type': 'infected-system',
    'source.ip': host,
    'destination.ip': c2,
    'destination.port': 443,
    ...extra,
  });

/** Events of five feeds: GREEN drones, an unmarked C2 list, a RED partner, a sinkhole, IPv6 AMBER+STRICT. */
const EVENTS = [
  bot('2026-10-01T08:00:00+00:00', '198.51.100.1', '203.0.113.80', 'drones', {
    'malware.name': 'emotet',
    tlp: 'GREEN',
  }),
  bot('2026-10-02T08:00:00+00:00', '198.51.100.2', '203.0.113.80', 'drones', {
    'malware.name': 'emotet',
    tlp: 'GREEN',
  }),
  bot('2026-10-03T08:00:00+00:00', '198.51.100.3', '203.0.113.80', 'drones', {
    'malware.name': 'emotet',
    tlp: 'GREEN',
  }),
  prepare({
    'feed.name': 'c2-list',
    'time.source': '2026-10-02T00:00:00+00:00',
    'classification.type': 'c2-server',
    'source.ip': '198.51.100.200',
    'malware.name': 'qakbot',
  }),
  bot('2026-10-02T09:00:00+00:00', '198.51.100.4', '203.0.113.99', 'partner-red', {
    'malware.name': 'emotet',
    tlp: 'RED',
  }),
  bot('2026-10-02T10:00:00+00:00', '198.51.100.5', '192.0.2.1', 'shadowserver-event4_sinkhole', {
    tlp: 'AMBER',
  }),
  bot('2026-10-02T11:00:00+00:00', '198.51.100.6', '2001:db8::c2', 'v6', { tlp: 'AMBER+STRICT' }),
];

const ORG = { organisation: { name: 'CERT Example', country: 'nl' } };
const NOW = Date.UTC(2026, 10, 1, 12);
const DAY = 86_400_000;

const byId = (objs: readonly DerivedContent[]) => new Map(objs.map((o) => [o.id, o]));
const tlpOf = (o: DerivedContent) => tlpOfMarkings((o.object_marking_refs as string[]) ?? []);

/** STIX 2.1 relationship tables (indicator 4.7, infrastructure 4.8): what we may emit. */
const ALLOWED_RELATIONSHIPS = new Set([
  'indicator indicates infrastructure',
  'indicator indicates malware',
  'infrastructure consists-of ipv4-addr',
  'infrastructure consists-of ipv6-addr',
  'infrastructure controls malware',
]);

describe('C2 activity', () => {
  it('takes C2 addresses from infected-system destinations and c2-server sources, not from sinkholes', () => {
    const a = aggregateC2(EVENTS.map((p) => c2Row(p.event)));
    expect(a.map((x) => x.address)).toEqual([
      '198.51.100.200',
      '2001:db8::c2',
      '203.0.113.80',
      '203.0.113.99',
    ]);
    expect(a[2]).toMatchObject({
      families: ['emotet'],
      count: 3,
      botEvents: 3,
      listEvents: 0,
      firstSeen: Date.parse('2026-10-01T08:00:00Z'),
      lastSeen: Date.parse('2026-10-03T08:00:00Z'),
      tlp: 'GREEN',
      unmarked: false,
    });
    expect(a[0]).toMatchObject({ families: ['qakbot'], listEvents: 1, tlp: undefined, unmarked: true });
  });

  it('reads the same activity straight from the SQLite store', async () => {
    const store = openSqliteStore(join(dir, 'rows.db'));
    await store.writeBatch({ events: EVENTS, quarantine: [] });
    const fromSql = aggregateC2(sqliteC2Rows(store.db));
    expect(fromSql).toEqual(aggregateC2(EVENTS.map((p) => c2Row(p.event))));
    await store.close();
  });
});

describe('deriveContent', () => {
  const activity = aggregateC2(EVENTS.map((p) => c2Row(p.event)));
  const objs = deriveContent(activity, ORG);
  const ids = byId(objs);
  const ind = objs.find((o) => o.type === 'indicator' && o.pattern === "[ipv4-addr:value = '203.0.113.80']");

  it('makes the address, infrastructure, indicator with decay, sighting, malware and our identity', () => {
    expect(ids.get(scoId('ipv4-addr', { value: '203.0.113.80' }))).toMatchObject({ value: '203.0.113.80' });
    expect(ids.get(scoId('ipv6-addr', { value: '2001:db8::c2' }))).toMatchObject({ type: 'ipv6-addr' });
    expect(ind).toMatchObject({
      pattern_type: 'stix',
      pattern_version: '2.1',
      indicator_types: ['malicious-activity'],
      valid_from: '2026-10-01T08:00:00.000Z',
      valid_until: new Date(Date.parse('2026-10-03T08:00:00Z') + 30 * DAY).toISOString(),
      created_by_ref: identityId(ORG.organisation),
    });
    const infra = objs.filter((o) => o.type === 'infrastructure');
    expect(infra.find((o) => o.name === 'C2 203.0.113.80')?.infrastructure_types).toEqual([
      'command-and-control',
      'botnet',
    ]);
    expect(infra.find((o) => o.name === 'C2 198.51.100.200')?.infrastructure_types).toEqual([
      'command-and-control',
    ]);
    const sighting = objs.find((o) => o.type === 'sighting' && o.sighting_of_ref === ind?.id);
    expect(sighting).toMatchObject({
      count: 3,
      first_seen: '2026-10-01T08:00:00.000Z',
      last_seen: '2026-10-03T08:00:00.000Z',
      where_sighted_refs: [identityId(ORG.organisation)],
    });
    expect(objs.filter((o) => o.type === 'malware').map((o) => [o.name, o.is_family])).toEqual([
      ['emotet', true],
      ['qakbot', true],
    ]);
    expect(objs.find((o) => o.type === 'identity')).toMatchObject({
      name: 'CERT Example',
      identity_class: 'organization',
      x_accord_country: 'NL',
    });
    expect(objs.some((o) => JSON.stringify(o).includes('192.0.2.1'))).toBe(false);
    const decayed = deriveContent(activity, { ...ORG, decay: { daysAfterLastSeen: 7 } }).find(
      (o) => o.id === ind?.id,
    );
    expect(decayed?.valid_until).toBe(new Date(Date.parse('2026-10-03T08:00:00Z') + 7 * DAY).toISOString());
  });

  it('uses only relationships of the STIX 2.1 tables, and every reference resolves', () => {
    const rels = objs.filter((o) => o.type === 'relationship');
    expect(rels.length).toBeGreaterThan(8);
    for (const r of rels) {
      const s = ids.get(r.source_ref as string);
      const t = ids.get(r.target_ref as string);
      expect(
        ALLOWED_RELATIONSHIPS.has(`${s?.type} ${r.relationship_type} ${t?.type}`),
        JSON.stringify(r),
      ).toBe(true);
    }
    for (const o of objs)
      for (const [k, v] of Object.entries(o)) {
        if (k.endsWith('_ref')) expect(ids.has(v as string), `${o.id}.${k}`).toBe(true);
        if (k.endsWith('_refs') && k !== 'object_marking_refs')
          for (const x of v as string[]) expect(ids.has(x), `${o.id}.${k}`).toBe(true);
      }
  });

  it('marks what it derives with the highest TLP of the source events (default AMBER); a family with its lowest', () => {
    const tlpByName = (type: string, name: string) => {
      const o = objs.find((x) => x.type === type && x.name === name);
      return o ? tlpOf(o) : undefined;
    };
    expect(tlpByName('indicator', 'C2 203.0.113.80 (emotet)')).toBe('GREEN');
    expect(tlpByName('indicator', 'C2 198.51.100.200 (qakbot)')).toBe('AMBER');
    expect(tlpByName('indicator', 'C2 203.0.113.99 (emotet)')).toBe('RED');
    expect(tlpByName('infrastructure', 'C2 2001:db8::c2')).toBe('AMBER+STRICT');
    expect(tlpByName('malware', 'emotet')).toBe('GREEN');
    expect(tlpByName('malware', 'qakbot')).toBe('AMBER');
    expect(tlpByName('identity', 'CERT Example')).toBe('CLEAR');
    // everything about the RED address is RED
    const red = objs.filter((o) => JSON.stringify(o).includes('203.0.113.99'));
    expect(red.length).toBeGreaterThan(1);
    for (const o of red) expect(tlpOf(o)).toBe('RED');
    const withDefault = deriveContent(activity, { ...ORG, defaultTlp: 'GREEN' });
    expect(tlpOf(withDefault.find((x) => x.name === 'C2 198.51.100.200 (qakbot)') as DerivedContent)).toBe(
      'GREEN',
    );
  });

  it("derives objects that pass Accord's own validation", () => {
    const t = '2026-11-01T00:00:00.000Z';
    for (const o of objs) {
      const full = o.type.endsWith('-addr') ? o : { ...o, created: t, modified: t };
      const r = validateObject(full);
      expect(r.ok ? 'ok' : r.error.reason).toBe('ok');
    }
  });
});

describe('deriveAndStore', () => {
  it('stores new objects once; again with no new data changes nothing; new data makes new versions', async () => {
    const events = new MemoryStore();
    await events.writeBatch({ events: EVENTS, quarantine: [] });
    const k = new MemoryKnowledgeStore(() => NOW);
    const activity = () => aggregateC2(events.events.map(c2Row));
    const first = await deriveAndStore(k, activity(), ORG, { now: NOW });
    expect(first).toMatchObject({ addresses: 4, created: first.derived, versioned: 0, unchanged: 0 });
    const stats1 = await k.stats();

    const again = await deriveAndStore(k, activity(), ORG, { now: NOW + 60_000 });
    expect(again).toMatchObject({ created: 0, versioned: 0, unchanged: first.derived });
    expect(await k.stats()).toEqual(stats1);

    await events.writeBatch({
      events: [
        bot('2026-10-20T08:00:00+00:00', '198.51.100.9', '203.0.113.80', 'drones', {
          'malware.name': 'emotet',
          tlp: 'GREEN',
        }),
      ],
      quarantine: [],
    });
    const later = await deriveAndStore(k, activity(), ORG, { now: NOW + 120_000 });
    // infrastructure (last_seen), indicator (valid_until), sighting (count, last_seen): new versions
    expect(later).toMatchObject({ created: 0, versioned: 3, unchanged: first.derived - 3 });
    const ind = await k.latest(
      KNOWLEDGE_COLLECTION,
      deriveContent(activity(), ORG).find((o) => o.name === 'C2 203.0.113.80 (emotet)')?.id as string,
    );
    const v = JSON.parse(ind?.json ?? '{}') as Record<string, string>;
    expect(v.created).toBe(new Date(NOW).toISOString());
    expect(v.modified).toBe(new Date(NOW + 120_000).toISOString());
    expect(v.valid_until).toBe(new Date(Date.parse('2026-10-20T08:00:00Z') + 30 * DAY).toISOString());
    const versions = await k.versions(KNOWLEDGE_COLLECTION, ind?.id as string);
    expect(versions.ok && versions.value.items.length).toBe(2);
    const sco = await k.versions(KNOWLEDGE_COLLECTION, scoId('ipv4-addr', { value: '203.0.113.80' }));
    expect(sco.ok && sco.value.items.length).toBe(1);
  });

  it('a re-version in the same millisecond still moves modified forward', async () => {
    const k = new MemoryKnowledgeStore(() => NOW);
    const a1 = aggregateC2(EVENTS.slice(0, 1).map((p) => c2Row(p.event)));
    const a2 = aggregateC2(EVENTS.slice(0, 2).map((p) => c2Row(p.event)));
    await deriveAndStore(k, a1, ORG, { now: NOW });
    await deriveAndStore(k, a2, ORG, { now: NOW });
    const id = deriveContent(a2, ORG).find((o) => o.type === 'sighting')?.id as string;
    expect(JSON.parse((await k.latest(KNOWLEDGE_COLLECTION, id))?.json ?? '{}').modified).toBe(
      new Date(NOW + 1).toISOString(),
    );
  });
});

describe('export', () => {
  async function derived() {
    const k = new MemoryKnowledgeStore(() => NOW);
    await deriveAndStore(k, aggregateC2(EVENTS.map((p) => c2Row(p.event))), ORG, { now: NOW });
    return k;
  }

  it('exports only what mayRelease allows, with the TLP 2.0 marking definitions it uses', async () => {
    const k = await derived();
    const recipient = { kind: 'partner', maxTlp: 'AMBER+STRICT', mayShareOnward: false } as const;
    const { text, summary } = await exportBundleText(k, { recipient });
    const bundle = JSON.parse(text) as { type: string; id: string; objects: Array<Record<string, unknown>> };
    expect(bundle.type).toBe('bundle');
    expect(bundle.objects).toHaveLength(summary.exported);
    for (const o of bundle.objects)
      expect(mayRelease((o.object_marking_refs as string[]) ?? [], recipient, 'export')).toBe(true);
    expect(text).not.toContain('203.0.113.99');
    expect(summary.withheld).toEqual({ RED: expect.any(Number) });
    const markings = bundle.objects.filter((o) => o.type === 'marking-definition').map((o) => o.id);
    expect(markings).toEqual(
      (['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT'] as TlpLevel[]).map((l) => TLP2_MARKING_IDS[l]),
    );
    for (const o of bundle.objects)
      for (const t of ['created', 'modified', 'valid_from', 'valid_until', 'first_seen', 'last_seen'])
        if (o[t] !== undefined) expect(o[t]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('gives the public TLP:CLEAR only, a redistributor no AMBER+STRICT, and RED to no one', async () => {
    const k = await derived();
    const pub = JSON.parse((await exportBundleText(k, { recipient: { kind: 'public' } })).text) as {
      objects: Array<{ type: string; object_marking_refs?: string[] }>;
    };
    expect(pub.objects.map((o) => o.type)).toEqual(['marking-definition', 'identity']);
    const redist = await exportBundleText(k, {
      recipient: { kind: 'partner', maxTlp: 'RED', mayShareOnward: true },
    });
    expect(redist.text).not.toContain('2001:db8::c2');
    expect(Object.keys(redist.summary.withheld).sort()).toEqual(['AMBER+STRICT', 'RED']);
    const person = await exportBundleText(k, { recipient: { kind: 'individual' } });
    expect(person.text).not.toContain('203.0.113.99');
  });

  it('writes a bundle without objects when nothing may go', async () => {
    const k = new MemoryKnowledgeStore(() => NOW);
    const { text, summary } = await exportBundleText(k, { recipient: { kind: 'public' } });
    expect(JSON.parse(text)).toEqual({ type: 'bundle', id: summary.bundleId });
  });

  describe.skipIf(!hasStixSchemas)(
    'against the OASIS STIX 2.1 JSON Schemas (../shared/data/stix/json-schemas)',
    () => {
      it('every exported bundle and every object in it passes', async () => {
        const schemas = loadStixSchemas();
        const k = await derived();
        for (const recipient of [
          { kind: 'partner', maxTlp: 'AMBER+STRICT', mayShareOnward: false } as const,
          { kind: 'individual' } as const,
          { kind: 'public' } as const,
        ]) {
          const doc = JSON.parse((await exportBundleText(k, { recipient })).text) as {
            objects: Array<{ type: string }>;
          };
          expect(schemas.bundle(doc)).toEqual([]);
          for (const o of doc.objects) expect(schemas.object(o), JSON.stringify(o)).toEqual([]);
        }
      });

      it('and the schemas do catch a broken one (the check can fail)', async () => {
        const schemas = loadStixSchemas();
        const k = await derived();
        const doc = JSON.parse((await exportBundleText(k, { recipient: { kind: 'individual' } })).text) as {
          objects: Array<Record<string, unknown>>;
        };
        const ind = doc.objects.find((o) => o.type === 'indicator') as Record<string, unknown>;
        const broken = (change: Record<string, unknown>) => ({ ...ind, ...change }) as { type: string };
        expect(schemas.object(broken({ pattern_type: undefined }))).not.toEqual([]);
        expect(schemas.object(broken({ valid_from: '2026-10-01 08:00' }))).not.toEqual([]);
        expect(
          schemas.bundle({ ...doc, objects: [...doc.objects, broken({ id: 'indicator--1' })] }),
        ).not.toEqual([]);
      });
    },
  );
});
