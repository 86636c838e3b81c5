/** /api/v1/partners (admin): agreement and exchange balance by TLP over a real knowledge store. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS, type TlpLevel } from '../../../../domain/tlp.js';
import { KNOWLEDGE_COLLECTION, prepareObject } from '../../../../knowledge/knowledge-store.js';
import type { StixObject } from '../../../../knowledge/stix.js';
import { buildTestApi, type TestApi } from '../../test-support.js';

let t: TestApi;
const ids: Partial<Record<TlpLevel | 'none', string>> = {};

function indicator(level: TlpLevel | 'none', record = true): StixObject {
  const id = `indicator--${randomUUID()}`;
  if (record) ids[level] = id;
  return {
    type: 'indicator',
    spec_version: '2.1',
    id,
    created: '2026-10-30T00:00:00.000Z',
    modified: '2026-10-30T00:00:00.000Z',
    pattern: `[ipv4-addr:value = '203.0.113.${Object.keys(ids).length}']`,
    pattern_type: 'stix',
    valid_from: '2026-10-30T00:00:00.000Z',
    ...(level === 'none' ? {} : { object_marking_refs: [TLP2_MARKING_IDS[level]] }),
  } as unknown as StixObject;
}

let inbox = '';
beforeAll(async () => {
  t = await buildTestApi();
  const levels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED', 'none'] as const;
  await t.deps.knowledge.put(
    KNOWLEDGE_COLLECTION,
    levels.map((l) => prepareObject(indicator(l))),
  );
  const p = await t.deps.partners.add({
    name: 'cert-xx',
    country: 'XX',
    agreement: { maxTlp: 'AMBER', mayShareOnward: true, read: [KNOWLEDGE_COLLECTION], write: [] },
  });
  if (!p.ok) throw new Error(p.error);
  inbox = p.value.inboxCollection;
  const pushed = (['GREEN', 'GREEN', 'RED'] as const).map((l) => prepareObject(indicator(l, false)));
  await t.deps.knowledge.put(inbox, pushed);
}, 60_000);
afterAll(() => t?.close());

describe('GET /api/v1/partners', () => {
  it('is for admins only', async () => {
    for (const role of ['read-only', 'analyst'] as const) {
      const r = await t.app.inject({ url: '/api/v1/partners', headers: t.bearer(role) });
      expect(r.statusCode).toBe(403);
    }
  });

  it('lists partners with agreement and the exchange balance by TLP', async () => {
    const r = await t.app.inject({ url: '/api/v1/partners', headers: t.bearer('admin') });
    expect(r.statusCode).toBe(200);
    const [p] = r.json().items;
    expect(p.name).toBe('cert-xx');
    expect(p.agreement.maxTlp).toBe('AMBER');
    expect(p.inboxCollection).toBe(inbox);
    // Shares onward with an AMBER agreement: CLEAR, GREEN, AMBER and unmarked (AMBER by default).
    expect(p.exchange.shared).toEqual({
      CLEAR: 1,
      GREEN: 1,
      AMBER: 1,
      'AMBER+STRICT': 0,
      RED: 0,
      unmarked: 1,
    });
    expect(p.exchange.received).toEqual({
      CLEAR: 0,
      GREEN: 2,
      AMBER: 0,
      'AMBER+STRICT': 0,
      RED: 1,
      unmarked: 0,
    });
    const one = await t.app.inject({ url: '/api/v1/partners/cert-xx', headers: t.bearer('admin') });
    expect(one.json()).toEqual(p);
    expect(
      (await t.app.inject({ url: '/api/v1/partners/nope', headers: t.bearer('admin') })).statusCode,
    ).toBe(404);
  });
});
