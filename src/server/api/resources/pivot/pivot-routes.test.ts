/**
 * /api/v1/pivot over the sample feeds: a C2 address shows its domestic hosts, feeds, owner and geo;
 * a host shows its C2s; CIDR, ASN, domain and family pivots; STIX objects through mayRelease.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS } from '../../../../domain/tlp.js';
import { KNOWLEDGE_COLLECTION, prepareObject } from '../../../../knowledge/knowledge-store.js';
import type { StixObject } from '../../../../knowledge/stix.js';
import { sampleApi } from '../sample-api.test-support.js';
import { pivotKind } from './pivot-routes.js';

type Api = Awaited<ReturnType<typeof sampleApi>>;
let t: Api;
const amberId = `indicator--${randomUUID()}`;
const greenId = `indicator--${randomUUID()}`;
beforeAll(async () => {
  t = await sampleApi();
  const ind = (id: string, level: 'GREEN' | 'AMBER') =>
    ({
      type: 'indicator',
      spec_version: '2.1',
      id,
      created: '2026-10-30T00:00:00.000Z',
      modified: '2026-10-30T00:00:00.000Z',
      pattern: "[ipv4-addr:value = '203.0.113.80']",
      pattern_type: 'stix',
      valid_from: '2026-10-30T00:00:00.000Z',
      object_marking_refs: [TLP2_MARKING_IDS[level]],
    }) as unknown as StixObject;
  await t.deps.knowledge.put(KNOWLEDGE_COLLECTION, [
    prepareObject(ind(greenId, 'GREEN')),
    prepareObject(ind(amberId, 'AMBER')),
  ]);
}, 120_000);
afterAll(() => t?.close());

const pivot = async (q: string, role: 'read-only' | 'analyst' = 'read-only') => {
  const r = await t.app.inject({ url: `/api/v1/pivot?q=${encodeURIComponent(q)}`, headers: t.bearer(role) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};

describe('pivotKind', () => {
  it.each([
    ['203.0.113.80', 'ip', '203.0.113.80'],
    ['2001:DB8::1', 'ip', '2001:db8::1'],
    ['198.51.100.7/24', 'cidr', '198.51.100.0/24'],
    ['AS64496', 'asn', '64496'],
    ['64496', 'asn', '64496'],
    ['WWW.Example.NET', 'domain', 'www.example.net'],
    ['Andromeda', 'family', 'andromeda'],
  ])('%s is %s', (q, kind, value) => expect(pivotKind(q)).toEqual({ kind, value }));
  it('refuses what is none of them', () => {
    for (const q of ['10.0.0.0/40', '<script>', 'AS99999999999', '']) expect(pivotKind(q)).toBeUndefined();
  });
});

describe('GET /api/v1/pivot', () => {
  it('a C2 address: its domestic hosts (equal to the observations), feeds, geo; STIX up to the clearance', async () => {
    const p = await pivot('203.0.113.80');
    expect(p.kind).toBe('ip');
    const hostObs = t.store.db
      .prepare(
        `SELECT DISTINCT source FROM observations WHERE type = 'infected-system' AND destination_ip = ? AND src_scope = 'domestic' ORDER BY source`,
      )
      .pluck()
      .all('203.0.113.80') as string[];
    expect(hostObs.length).toBeGreaterThan(0);
    expect(p.hosts.total).toBe(hostObs.length);
    expect(p.hosts.items.map((h: { host: string }) => h.host).sort()).toEqual(hostObs);
    expect(p.feeds.map((f: { feed: string }) => f.feed)).toContain('shadowserver-event4_sinkhole');
    expect(p.observations.total).toBeGreaterThan(0);
    expect(p.geo).not.toBeNull();
    expect(p.events.length).toBeGreaterThan(0);
    expect(p.stix.map((s: { id: string }) => s.id)).toEqual([greenId]);
    const analyst = await pivot('203.0.113.80', 'analyst');
    expect(analyst.stix.map((s: { id: string }) => s.id).sort()).toEqual([greenId, amberId].sort());
  });

  it('a domestic host: its owner and contacts from the constituency, and its C2s', async () => {
    const host = t.store.db
      .prepare(
        `SELECT source FROM observations WHERE type = 'infected-system' AND src_org = 'example-telecom' AND destination_ip IS NOT NULL LIMIT 1`,
      )
      .pluck()
      .get() as string;
    const p = await pivot(host);
    expect(p.owner).toMatchObject({
      org: 'example-telecom',
      name: 'Example Telecom',
      contacts: ['abuse@example.net'],
    });
    expect(p.c2s.total).toBeGreaterThan(0);
    for (const c of p.c2s.items)
      expect(
        t.store.db
          .prepare('SELECT count(*) FROM observations WHERE source = ? AND destination_ip = ?')
          .pluck()
          .get(host, c.c2),
      ).toBeGreaterThan(0);
  });

  it('CIDR, ASN, domain and family', async () => {
    const cidr = await pivot('198.51.100.0/24');
    expect(cidr.kind).toBe('cidr');
    expect(cidr.owner?.org).toBe('example-telecom');
    expect(cidr.c2s.total).toBeGreaterThan(0);
    const asn = await pivot('AS64496');
    expect(asn.owner?.org).toBe('example-telecom');
    expect(asn.observations.total).toBeGreaterThan(0);
    const family = await pivot('andromeda');
    expect(family.kind).toBe('family');
    expect(family.hosts.total).toBeGreaterThan(0);
    for (const o of family.observations.items) expect(o.malware).toBe('andromeda');
    const domain = await pivot('www.example.net');
    expect(domain.kind).toBe('domain');
    expect(domain.owner?.org).toBe('example-telecom');
  });

  it('bad or missing q: 400; no credentials: 401', async () => {
    for (const url of ['/api/v1/pivot', '/api/v1/pivot?q=%3Cscript%3E', '/api/v1/pivot?q=1.2.3.4&x=1']) {
      const r = await t.app.inject({ url, headers: t.bearer('read-only') });
      expect(r.statusCode, url).toBe(400);
    }
    expect((await t.app.inject({ url: '/api/v1/pivot?q=1.2.3.4' })).statusCode).toBe(401);
  });
});
