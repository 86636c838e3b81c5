import { afterEach, describe, expect, it } from 'vitest';
import { TLP_ORDER, TLP2_MARKING_IDS, type TlpLevel } from '../../domain/tlp.js';
import { type KnowledgeStore, prepareObject } from '../../knowledge/knowledge-store.js';
import type { Partner, SharingAgreement } from '../../partners/partner.js';
import { MemoryKnowledgeStore } from '../../storage/knowledge/memory-knowledge-store.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { pushCollection } from './push.js';
import { createTaxiiClient, type TaxiiClient } from './taxii-client.js';
import { startMiniTaxiiServer } from './test-support/mini-taxii-server.js';
import { indicator } from './test-support/objects.js';

const INBOX = 'c0ffee00-1111-4222-8333-444455556666';
const OURS = '5a0c4e1e-8d3b-4f3c-9a51-0c2f6d7e8a90';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function partner(agreement: Partial<SharingAgreement> = {}): Partner {
  return {
    name: 'cert-b',
    country: 'DE',
    identityId: 'identity--0b5c2f3e-1d4a-4b6c-8e7f-9a0b1c2d3e4f',
    agreement: { maxTlp: 'AMBER', mayShareOnward: false, read: [], write: [], ...agreement },
    inboxCollection: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

function client(apiRoot: string): TaxiiClient {
  const r = createTaxiiClient({ apiRoot, auth: { kind: 'none' }, retryDelayMs: 5, retries: 1 });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Our store: two objects at every TLP level, two unmarked, and two malware objects at GREEN. */
async function ours(): Promise<MemoryKnowledgeStore> {
  const k = new MemoryKnowledgeStore();
  for (const l of TLP_ORDER)
    for (let i = 0; i < 2; i++) await k.put(OURS, [prepareObject(indicator(l, i, l))]);
  for (let i = 0; i < 2; i++) await k.put(OURS, [prepareObject(indicator('unmarked', i))]);
  for (let i = 0; i < 2; i++)
    await k.put(OURS, [prepareObject(indicator('mal', i, 'GREEN', undefined, 'malware'))]);
  return k;
}

async function theirServer() {
  const theirs = new MemoryKnowledgeStore();
  const s = await startMiniTaxiiServer({ knowledge: theirs, collections: [INBOX] });
  closers.push(() => s.close());
  return { theirs, s };
}

async function received(theirs: KnowledgeStore): Promise<Map<string, number>> {
  const r = await theirs.list(INBOX, { versions: ['all'] }, { limit: 1000 });
  if (!r.ok) throw new Error(r.error);
  const by = new Map<string, number>();
  for (const o of r.value.items) {
    const k = o.type === 'marking-definition' ? 'definition' : (o.tlp ?? 'unmarked');
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  return by;
}

const redId = TLP2_MARKING_IDS.RED;

describe('pushCollection', () => {
  it('sends what the agreement allows, never RED, with the TLP definitions it uses', async () => {
    const { theirs, s } = await theirServer();
    const deps = { knowledge: await ours(), store: new MemoryStore(), client: client(s.apiRoot) };
    const r = await pushCollection(deps, {
      partner: partner({ maxTlp: 'AMBER', mayShareOnward: true, excludeTypes: ['malware'] }),
      collection: INBOX,
      from: OURS,
    });
    // CLEAR, GREEN, AMBER and unmarked (read as AMBER) go; AMBER+STRICT not to one that shares onward.
    expect(r).toMatchObject({
      status: 'ok',
      sent: 8,
      markingDefinitions: 3,
      accepted: 11,
      failed: 0,
      withheld: { tlp: { 'AMBER+STRICT': 2, RED: 2 }, type: 2 },
    });
    expect(Object.fromEntries(await received(theirs))).toEqual({
      CLEAR: 2,
      GREEN: 2,
      AMBER: 2,
      unmarked: 2,
      definition: 3,
    });
    for (const q of s.requests) expect(q.body).not.toContain(redId);
  });

  it('sends AMBER+STRICT to a partner that keeps it in house, and only the included types', async () => {
    const { theirs, s } = await theirServer();
    const deps = { knowledge: await ours(), store: new MemoryStore(), client: client(s.apiRoot) };
    const r = await pushCollection(deps, {
      partner: partner({ maxTlp: 'AMBER+STRICT', mayShareOnward: false, includeTypes: ['indicator'] }),
      collection: INBOX,
      from: OURS,
    });
    expect(r).toMatchObject({ sent: 10, withheld: { tlp: { RED: 2 }, type: 2 } });
    expect((await received(theirs)).get('AMBER+STRICT')).toBe(2);
    for (const q of s.requests) expect(q.body).not.toContain(redId);
  });

  it('a GREEN partner gets CLEAR and GREEN only; unmarked objects count at the default level', async () => {
    const { theirs, s } = await theirServer();
    const deps = { knowledge: await ours(), store: new MemoryStore(), client: client(s.apiRoot) };
    const r = await pushCollection(deps, {
      partner: partner({ maxTlp: 'GREEN' }),
      collection: INBOX,
      from: OURS,
    });
    expect(r).toMatchObject({ sent: 6, withheld: { tlp: { AMBER: 4, 'AMBER+STRICT': 2, RED: 2 }, type: 0 } });
    expect([...(await received(theirs)).keys()].sort()).toEqual(['CLEAR', 'GREEN', 'definition']);
  });

  it('remembers what it pushed: a second push sends only new versions', async () => {
    const { s } = await theirServer();
    const knowledge = await ours();
    const deps = { knowledge, store: new MemoryStore(), client: client(s.apiRoot) };
    const p = partner();
    const first = await pushCollection(deps, { partner: p, collection: INBOX, from: OURS });
    expect(first.sent).toBe(10);
    const again = await pushCollection(deps, { partner: p, collection: INBOX, from: OURS });
    expect(again).toMatchObject({
      sent: 0,
      since: first.cursor,
      envelopes: 0,
      withheld: { tlp: {}, type: 0 },
    });
    await knowledge.put(OURS, [prepareObject(indicator('GREEN', 0, 'GREEN', '2026-04-01T00:00:00.000Z'))]);
    await knowledge.put(OURS, [prepareObject(indicator('RED', 0, 'RED', '2026-04-01T00:00:00.000Z'))]);
    const posts = s.requests.filter((q) => q.method === 'POST').length;
    const third = await pushCollection(deps, { partner: p, collection: INBOX, from: OURS });
    expect(third).toMatchObject({ sent: 1, withheld: { tlp: { RED: 1 } } });
    const body = s.requests.filter((q) => q.method === 'POST').slice(posts)[0]?.body ?? '';
    expect(body).toContain('"modified":"2026-04-01T00:00:00.000Z"');
    expect(body).not.toContain(redId);
    const full = await pushCollection(deps, { partner: p, collection: INBOX, from: OURS, full: true });
    expect(full.sent).toBe(11);
  });

  it('a dry run sends nothing and moves no cursor', async () => {
    const { s } = await theirServer();
    const deps = { knowledge: await ours(), store: new MemoryStore(), client: client(s.apiRoot) };
    const r = await pushCollection(deps, { partner: partner(), collection: INBOX, from: OURS, dryRun: true });
    expect(r).toMatchObject({ dryRun: true, sent: 10, envelopes: 0 });
    expect(s.requests).toHaveLength(0);
    const real = await pushCollection(deps, { partner: partner(), collection: INBOX, from: OURS });
    expect(real.sent).toBe(10);
  });

  it('asks mayRelease for every object even when the store lets too much through', async () => {
    const { theirs, s } = await theirServer();
    const inner = await ours();
    // A broken adapter that ignores the visibility filter.
    const leaky: KnowledgeStore = Object.assign(Object.create(inner) as KnowledgeStore, {
      list: (
        c: string,
        f: Parameters<KnowledgeStore['list']>[1],
        p: Parameters<KnowledgeStore['list']>[2],
      ) => {
        const { tlp: _, types: __, excludeTypes: ___, ...rest } = f;
        return inner.list(c, rest, p);
      },
    });
    const r = await pushCollection(
      { knowledge: leaky, store: new MemoryStore(), client: client(s.apiRoot) },
      { partner: partner({ maxTlp: 'GREEN', excludeTypes: ['malware'] }), collection: INBOX, from: OURS },
    );
    expect(r.sent).toBe(4);
    const levels = [...(await received(theirs)).keys()].sort();
    expect(levels).toEqual(['CLEAR', 'GREEN', 'definition']);
    for (const q of s.requests) expect(q.body).not.toContain(redId);
    const counted = r.withheld.tlp as Record<TlpLevel, number>;
    expect(counted.RED).toBeGreaterThanOrEqual(2);
  });
});
