/**
 * /api/v1/knowledge over a real knowledge store: every object released through
 * mayRelease for the user's clearance (read-only: up to GREEN; analyst/admin: up to AMBER+STRICT;
 * RED never).
 */
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

const list = async (role: 'read-only' | 'analyst' | 'admin', q = '') => {
  const r = await t.app.inject({ url: `/api/v1/knowledge?${q}`, headers: t.bearer(role) });
  expect(r.statusCode, r.body).toBe(200);
  return r.json() as {
    items: Array<{ id: string; tlp: string | null; object: { id: string } }>;
    next: string | null;
  };
};

describe('GET /api/v1/knowledge', () => {
  it('read-only users see CLEAR and GREEN only', async () => {
    const got = (await list('read-only')).items.map((o) => o.id).sort();
    expect(got).toEqual([ids.CLEAR, ids.GREEN].sort());
  });

  it('analysts and admins see up to AMBER+STRICT and unmarked (AMBER by default), never RED', async () => {
    for (const role of ['analyst', 'admin'] as const) {
      const got = (await list(role)).items.map((o) => o.id).sort();
      expect(got).toEqual([ids.CLEAR, ids.GREEN, ids.AMBER, ids['AMBER+STRICT'], ids.none].sort());
    }
  });

  it('pages with a cursor; each item carries the object', async () => {
    const first = await list('analyst', 'limit=2');
    expect(first.items.length).toBe(2);
    expect(first.next).not.toBeNull();
    const second = await list('analyst', `limit=2&cursor=${encodeURIComponent(first.next as string)}`);
    expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
    expect(first.items[0]?.object.id).toBe(first.items[0]?.id);
  });

  it('one object: 404 when the clearance does not reach it (as when absent), RED always 404', async () => {
    const get = (id: string | undefined, role: 'read-only' | 'analyst') =>
      t.app.inject({ url: `/api/v1/knowledge/${id}`, headers: t.bearer(role) });
    expect((await get(ids.GREEN, 'read-only')).statusCode).toBe(200);
    expect((await get(ids.AMBER, 'read-only')).statusCode).toBe(404);
    expect((await get(ids.AMBER, 'analyst')).statusCode).toBe(200);
    expect((await get(ids.RED, 'analyst')).statusCode).toBe(404);
    expect((await get(`indicator--${randomUUID()}`, 'analyst')).statusCode).toBe(404);
    expect((await get('nonsense', 'analyst')).statusCode).toBe(400);
  });

  it('a bad cursor is 400; no credentials 401', async () => {
    const r = await t.app.inject({ url: '/api/v1/knowledge?cursor=zzz', headers: t.bearer('analyst') });
    expect(r.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/knowledge' })).statusCode).toBe(401);
  });
});
