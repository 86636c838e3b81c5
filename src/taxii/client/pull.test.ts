import { afterEach, describe, expect, it } from 'vitest';
import { prepareObject } from '../../knowledge/knowledge-store.js';
import { MemoryKnowledgeStore } from '../../storage/knowledge/memory-knowledge-store.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { pullCursorName } from './cursors.js';
import { pullCollection } from './pull.js';
import { createTaxiiClient, type TaxiiClient } from './taxii-client.js';
import { startMiniTaxiiServer } from './test-support/mini-taxii-server.js';
import { indicator } from './test-support/objects.js';
import { startScriptedServer } from './test-support/scripted-server.js';

const REMOTE = '0a6e3c1d-5b7f-4e2a-9c8d-1f2e3d4c5b6a';
const LOCAL = 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function client(apiRoot: string): TaxiiClient {
  const r = createTaxiiClient({ apiRoot, auth: { kind: 'none' }, retryDelayMs: 5, retries: 1 });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function partnerServer(n: number) {
  const remote = new MemoryKnowledgeStore();
  for (let i = 0; i < n; i++)
    await remote.put(REMOTE, [prepareObject(indicator('a', i, i % 2 === 0 ? 'GREEN' : 'AMBER'))]);
  const s = await startMiniTaxiiServer({ knowledge: remote, collections: [REMOTE], maxPage: 100 });
  closers.push(() => s.close());
  return { remote, s };
}

const local = () => ({ knowledge: new MemoryKnowledgeStore(), store: new MemoryStore() });

describe('pullCollection', () => {
  it('pulls every page into the local collection, objects byte for byte with their markings', async () => {
    const { remote, s } = await partnerServer(250);
    const deps = { ...local(), client: client(s.apiRoot) };
    const r = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL, limit: 100 });
    expect(r).toMatchObject({
      status: 'ok',
      pages: 3,
      objects: 250,
      added: 250,
      existing: 0,
      quarantined: 0,
      complete: true,
    });
    expect(r.from).toBeUndefined();
    expect(r.cursor).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const theirs = await remote.list(REMOTE, {}, { limit: 1000 });
    const ours = await deps.knowledge.list(LOCAL, {}, { limit: 1000 });
    expect(theirs.ok && ours.ok).toBe(true);
    if (!theirs.ok || !ours.ok) return;
    const byId = new Map(ours.value.items.map((o) => [o.id, o]));
    for (const o of theirs.value.items) {
      expect(byId.get(o.id)?.json).toBe(o.json);
      expect(byId.get(o.id)?.markings).toEqual(o.markings);
    }
    expect(ours.value.items.filter((o) => o.tlp === 'AMBER')).toHaveLength(125);
  });

  it('resumes from the last date_added seen: a second pull asks added_after and gets only what is new', async () => {
    const { remote, s } = await partnerServer(30);
    const deps = { ...local(), client: client(s.apiRoot) };
    const first = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(first.added).toBe(30);
    const saved = await deps.store.getFeedState(pullCursorName('cert-a', REMOTE, LOCAL));
    expect(saved?.lastModified).toBe(first.cursor);
    expect(saved?.httpUrl).toBe(`${s.apiRoot}collections/${REMOTE}/objects/`);

    for (let i = 100; i < 105; i++) await remote.put(REMOTE, [prepareObject(indicator('a', i, 'GREEN'))]);
    const before = s.requests.length;
    const second = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(second).toMatchObject({
      status: 'ok',
      from: first.cursor,
      pages: 1,
      objects: 5,
      added: 5,
      existing: 0,
    });
    const asked = new URL(s.requests[before]?.url ?? '', 'http://x').searchParams.get('added_after');
    expect(asked).toBe(first.cursor);

    const third = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(third).toMatchObject({ objects: 0, added: 0, cursor: second.cursor });

    const again = await pullCollection(deps, {
      partner: 'cert-a',
      collection: REMOTE,
      into: LOCAL,
      since: '2000-01-01T00:00:00.000Z',
    });
    expect(again).toMatchObject({ objects: 35, added: 0, existing: 35 });
  });

  it('quarantines invalid objects with the partner as feed, and keeps the page going', async () => {
    const good = JSON.stringify(indicator('q', 1, 'GREEN'));
    const bad = '{"type":"indicator","spec_version":"2.1","id":"indicator--not-a-uuid"}';
    const s = await startScriptedServer(() => ({
      headers: { 'X-TAXII-Date-Added-Last': '2026-03-01T10:00:00.000Z' },
      body: `{"more":false,"objects":[${good},${bad}]}`,
    }));
    closers.push(() => s.close());
    const deps = { ...local(), client: client(`${s.url}/api1/`) };
    const r = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(r).toMatchObject({ objects: 2, added: 1, quarantined: 1 });
    const q = await deps.store.listQuarantine({ feed: 'taxii:cert-a' });
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ feed: 'taxii:cert-a', format: 'stix', line: 2, raw: bad });
    expect(q[0]?.source).toContain(`/collections/${REMOTE}/objects/`);
  });

  it('keeps what it stored when a later page fails, and the next pull goes on from there', async () => {
    const page1 = JSON.stringify(indicator('f', 1, 'GREEN'));
    let failing = true;
    const s = await startScriptedServer((req) => {
      const u = new URL(req.url, 'http://x');
      if (u.searchParams.get('next') === 'p2')
        return failing
          ? { status: 403, body: { title: 'forbidden' } }
          : {
              headers: { 'X-TAXII-Date-Added-Last': '2026-03-02T00:00:00.000Z' },
              body: `{"more":false,"objects":[${JSON.stringify(indicator('f', 2, 'GREEN'))}]}`,
            };
      return {
        headers: { 'X-TAXII-Date-Added-Last': '2026-03-01T00:00:00.000Z' },
        body: `{"more":true,"next":"p2","objects":[${page1}]}`,
      };
    });
    closers.push(() => s.close());
    const deps = { ...local(), client: client(`${s.url}/api1/`) };
    const r = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(r).toMatchObject({ status: 'failed', pages: 1, added: 1, cursor: '2026-03-01T00:00:00.000Z' });
    expect(r.error).toMatch(/HTTP 403 Forbidden: forbidden/);
    const health = await deps.store.getFeedState(pullCursorName('cert-a', REMOTE, LOCAL));
    expect(health).toMatchObject({
      lastStatus: 'failed',
      lastModified: '2026-03-01T00:00:00.000Z',
      failures: 1,
    });

    failing = false;
    const before = s.requests.length;
    const r2 = await pullCollection(deps, { partner: 'cert-a', collection: REMOTE, into: LOCAL });
    expect(new URL(s.requests[before]?.url ?? '', 'http://x').searchParams.get('added_after')).toBe(
      '2026-03-01T00:00:00.000Z',
    );
    expect(r2).toMatchObject({ status: 'ok', added: 1, existing: 1, cursor: '2026-03-02T00:00:00.000Z' });
  });

  it('stops at --max-pages and says the next pull goes on', async () => {
    const { s } = await partnerServer(30);
    const deps = { ...local(), client: client(s.apiRoot) };
    const r = await pullCollection(deps, {
      partner: 'cert-a',
      collection: REMOTE,
      into: LOCAL,
      limit: 10,
      maxPages: 2,
    });
    expect(r).toMatchObject({ pages: 2, objects: 20, complete: false });
    expect(r.warnings[0]).toMatch(/stopped after 2 pages/);
    const rest = await pullCollection(deps, {
      partner: 'cert-a',
      collection: REMOTE,
      into: LOCAL,
      limit: 10,
    });
    expect(rest).toMatchObject({ objects: 10, added: 10, complete: true });
  });
});
