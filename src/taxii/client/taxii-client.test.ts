import { afterEach, describe, expect, it } from 'vitest';
import { prepareObject } from '../../knowledge/knowledge-store.js';
import { MemoryKnowledgeStore } from '../../storage/knowledge/memory-knowledge-store.js';
import { authorizationHeader } from './auth.js';
import { envelopeText, planEnvelopes } from './envelopes.js';
import { isTaxiiMediaType, TAXII_MEDIA_TYPE } from './media.js';
import { retryAfterMs } from './retry-after.js';
import {
  createTaxiiClient,
  type RetryInfo,
  type TaxiiClient,
  type TaxiiClientOptions,
} from './taxii-client.js';
import { TaxiiError } from './taxii-error.js';
import { startMiniTaxiiServer } from './test-support/mini-taxii-server.js';
import { indicator } from './test-support/objects.js';
import { type Script, type ScriptedServer, startScriptedServer } from './test-support/scripted-server.js';

const C = '11111111-2222-4333-8444-555555555555';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function scripted(script: Script): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  closers.push(() => s.close());
  return s;
}

function client(apiRoot: string, o: Partial<TaxiiClientOptions> = {}): TaxiiClient {
  const r = createTaxiiClient({
    apiRoot,
    auth: { kind: 'none' },
    retryDelayMs: 5,
    timeoutMs: 5_000,
    ...o,
  });
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

async function caught(p: Promise<unknown>): Promise<TaxiiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof TaxiiError) return e;
    throw e;
  }
  throw new Error('expected a TaxiiError');
}

async function filled(n: number, tag = 'a') {
  const knowledge = new MemoryKnowledgeStore();
  for (let i = 0; i < n; i++) await knowledge.put(C, [prepareObject(indicator(tag, i, 'GREEN'))]);
  return knowledge;
}

const envelope = (more: boolean, extra: Record<string, unknown> = {}) => ({
  body: { more, objects: [indicator('s', 1)], ...extra },
});

describe('media type and credentials', () => {
  it('reads TAXII 2.1 media types and nothing else', () => {
    expect(isTaxiiMediaType(TAXII_MEDIA_TYPE)).toBe(true);
    expect(isTaxiiMediaType('application/taxii+json; version="2.1"')).toBe(true);
    expect(isTaxiiMediaType('application/taxii+json')).toBe(true);
    expect(isTaxiiMediaType('application/taxii+json;version=2.0')).toBe(false);
    expect(isTaxiiMediaType('application/json')).toBe(false);
    expect(isTaxiiMediaType('text/html; charset=utf-8')).toBe(false);
    expect(isTaxiiMediaType(null)).toBe(false);
  });

  it('builds Basic and bearer headers from the named environment variables, and says which one is missing', () => {
    const env = { PW: 's3cret', TOKEN: 'accord_abc' };
    const basic = authorizationHeader({ kind: 'basic', username: 'cert-b', passwordEnv: 'PW' }, env);
    expect(basic).toEqual({ ok: true, value: `Basic ${Buffer.from('cert-b:s3cret').toString('base64')}` });
    expect(authorizationHeader({ kind: 'bearer', tokenEnv: 'TOKEN' }, env)).toEqual({
      ok: true,
      value: 'Bearer accord_abc',
    });
    const missing = authorizationHeader({ kind: 'basic', username: 'cert-b', passwordEnv: 'NOPE' }, env);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.error).toMatch(/NOPE.*not set/);
    const r = createTaxiiClient({
      apiRoot: 'https://x.example/api1/',
      auth: { kind: 'bearer', tokenEnv: 'NOPE' },
      env,
    });
    expect(!r.ok && r.error).toMatch(/^https:\/\/x\.example\/api1\/: .*NOPE/);
  });

  it('refuses API roots that are not http(s) URLs or carry credentials, and adds the trailing slash', () => {
    const bad = (apiRoot: string) => createTaxiiClient({ apiRoot, auth: { kind: 'none' } });
    expect(bad('ftp://x.example/api1/').ok).toBe(false);
    expect(bad('not a url').ok).toBe(false);
    expect(bad('https://u:p@x.example/api1/').ok).toBe(false);
    const r = bad('https://x.example/api1');
    expect(r.ok && r.value.apiRoot).toBe('https://x.example/api1/');
  });

  it('sends Accept, Content-Type and Authorization on every request', async () => {
    const knowledge = await filled(3);
    const s = await startMiniTaxiiServer({
      knowledge,
      collections: [C],
      basic: { username: 'cert-b', password: 'pw-1' },
    });
    closers.push(() => s.close());
    const c = client(s.apiRoot, {
      auth: { kind: 'basic', username: 'cert-b', passwordEnv: 'B_PW' },
      env: { B_PW: 'pw-1' },
    });
    expect((await c.apiRootInfo()).max_content_length).toBeGreaterThan(0);
    expect((await c.collections()).map((x) => x.id)).toEqual([C]);
    const add = await c.addObjects(C, [JSON.stringify(indicator('new', 1))]);
    expect(add.success).toBe(1);
    expect(s.requests.length).toBe(3);
    for (const r of s.requests) {
      expect(r.headers.accept).toBe(TAXII_MEDIA_TYPE);
      expect(r.headers.authorization).toBe(`Basic ${Buffer.from('cert-b:pw-1').toString('base64')}`);
    }
    expect(s.requests[2]?.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
  });

  it('names the URL, the status and the credentials on a 401', async () => {
    const s = await startMiniTaxiiServer({
      knowledge: new MemoryKnowledgeStore(),
      collections: [C],
      basic: { username: 'cert-b', password: 'right' },
    });
    closers.push(() => s.close());
    const c = client(s.apiRoot, {
      auth: { kind: 'basic', username: 'cert-b', passwordEnv: 'B_PW' },
      env: { B_PW: 'wrong' },
    });
    const e = await caught(c.apiRootInfo());
    expect(e.status).toBe(401);
    expect(e.message).toContain(`GET ${s.apiRoot}: HTTP 401`);
    expect(e.message).toMatch(/not authenticated.*user cert-b, password from \$B_PW/);
    expect(s.requests.length).toBe(1);
  });
});

describe('paging', () => {
  it('follows next until more is false and sends the same filters each time', async () => {
    const knowledge = await filled(250);
    const s = await startMiniTaxiiServer({ knowledge, collections: [C], maxPage: 100 });
    closers.push(() => s.close());
    const c = client(s.apiRoot);
    const pages = [];
    for await (const p of c.pages(C, { limit: 100, match: { type: ['indicator'] } }, 10)) pages.push(p);
    expect(pages.map((p) => p.objectCount)).toEqual([100, 100, 50]);
    expect(pages.map((p) => p.more)).toEqual([true, true, false]);
    const urls = s.requests.map((r) => new URL(r.url, 'http://x'));
    expect(urls.map((u) => u.searchParams.get('match[type]'))).toEqual([
      'indicator',
      'indicator',
      'indicator',
    ]);
    expect(urls[0]?.searchParams.get('next')).toBeNull();
    expect(urls[1]?.searchParams.get('next')).toBeTruthy();
    expect(pages[2]?.dateAddedLast).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('goes on from X-TAXII-Date-Added-Last when a page says more but gives no next', async () => {
    const knowledge = await filled(25);
    const s = await startMiniTaxiiServer({ knowledge, collections: [C], maxPage: 10, omitNext: true });
    closers.push(() => s.close());
    const c = client(s.apiRoot);
    const pages = [];
    for await (const p of c.pages(C, { limit: 10 }, 10)) pages.push(p);
    expect(pages.map((p) => p.objectCount)).toEqual([10, 10, 5]);
    const after = s.requests.map((r) => new URL(r.url, 'http://x').searchParams.get('added_after'));
    expect(after).toEqual([null, pages[0]?.dateAddedLast, pages[1]?.dateAddedLast]);
  });

  it('stops with a protocol error when more is true and there is no way on', async () => {
    const s = await scripted(() => envelope(true));
    const e = await caught(
      (async () => {
        for await (const _ of client(`${s.url}/api1/`).pages(C, {}, 5)) void _;
      })(),
    );
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(/more is true but the page has neither next nor an X-TAXII-Date-Added-Last/);
    expect(s.requests.length).toBe(1);
  });

  it('stops when the server repeats the same next', async () => {
    const s = await scripted(() => envelope(true, { next: 'again' }));
    const e = await caught(
      (async () => {
        for await (const _ of client(`${s.url}/api1/`).pages(C, {}, 10)) void _;
      })(),
    );
    expect(e.message).toMatch(/same next \(again\) twice/);
    expect(s.requests.length).toBe(2);
  });
});

describe('failures and retries', () => {
  it('waits what Retry-After asks on a 429, then goes on', async () => {
    const s = await scripted((_, n) =>
      n === 1
        ? { status: 429, headers: { 'Retry-After': '1' }, body: { title: 'slow down' } }
        : envelope(false),
    );
    const retries: RetryInfo[] = [];
    const t0 = performance.now();
    const p = await client(`${s.url}/api1/`, { onRetry: (r) => retries.push(r) }).getObjects(C);
    expect(p.objectCount).toBe(1);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1000);
    expect(retries[0]?.error).toMatch(/HTTP 429.*slow down/);
  });

  it('gives up on a 503 after the bounded tries, naming the URL and the status', async () => {
    const s = await scripted(() => ({ status: 503, body: { title: 'maintenance' } }));
    const e = await caught(client(`${s.url}/api1/`, { retries: 2 }).getObjects(C));
    expect(s.requests.length).toBe(3);
    expect(e.status).toBe(503);
    expect(e.message).toContain(`GET ${s.url}/api1/collections/${C}/objects/: HTTP 503`);
    expect(e.message).toMatch(/gave up after 3 tries/);
  });

  it('fails at once when Retry-After asks for longer than it waits', async () => {
    const s = await scripted(() => ({ status: 503, headers: { 'Retry-After': '3600' }, body: {} }));
    const e = await caught(client(`${s.url}/api1/`, { maxWaitMs: 2_000 }).getObjects(C));
    expect(s.requests.length).toBe(1);
    expect(e.message).toMatch(/asks to retry after 3600 s, longer than the 2 s we wait/);
  });

  it('tries again after a dropped connection and after an answer cut short', async () => {
    const s = await scripted((_, n) => (n === 1 ? 'drop' : n === 2 ? 'cut' : envelope(false)));
    const retries: RetryInfo[] = [];
    const p = await client(`${s.url}/api1/`, { onRetry: (r) => retries.push(r) }).getObjects(C);
    expect(p.objectCount).toBe(1);
    expect(s.requests.length).toBe(3);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('times out a server that does not answer, and says so', async () => {
    const s = await scripted(() => new Promise(() => {}));
    const e = await caught(client(`${s.url}/api1/`, { timeoutMs: 200, retries: 1 }).getObjects(C));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/no complete answer within 0.2 s/);
    expect(s.requests.length).toBe(2);
  });

  it('does not retry a 404, and reports the TAXII error title', async () => {
    const s = await scripted(() => ({
      status: 404,
      body: { title: 'no such collection', http_status: '404' },
    }));
    const e = await caught(client(`${s.url}/api1/`).getObjects(C));
    expect(s.requests.length).toBe(1);
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      `GET ${s.url}/api1/collections/${C}/objects/: HTTP 404 Not Found: no such collection`,
    );
  });

  it('refuses an answer that is not TAXII 2.1 JSON', async () => {
    const s = await scripted(() => ({
      headers: { 'Content-Type': 'text/html' },
      body: '<html>login</html>',
    }));
    const e = await caught(client(`${s.url}/api1/`).getObjects(C));
    expect(e.kind).toBe('media-type');
    expect(e.message).toMatch(/"text\/html", not application\/taxii\+json;version=2.1/);
    expect(s.requests.length).toBe(1);
  });

  it('does not follow redirects (credentials would go with them)', async () => {
    const s = await scripted(() => ({ status: 302, headers: { Location: 'http://127.0.0.1:1/elsewhere/' } }));
    const e = await caught(
      client(`${s.url}/api1/`, { auth: { kind: 'bearer', tokenEnv: 'T' }, env: { T: 'k' } }).getObjects(C),
    );
    expect(e.message).toMatch(
      /HTTP 302 redirect to http:\/\/127.0.0.1:1\/elsewhere\/: redirects are not followed/,
    );
    expect(s.requests.length).toBe(1);
  });

  it('reads Retry-After as seconds or as a date', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs(new Date(now + 5000).toUTCString(), now)).toBe(5000);
    expect(retryAfterMs(new Date(now - 5000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
  });
});

describe('adding objects', () => {
  it('plans envelopes within max_content_length, and sets aside objects that can never fit', () => {
    const objs = ['{"a":1}', '{"b":22}', 'x'.repeat(100), '{"c":3}'];
    const plan = planEnvelopes(objs, 40);
    expect(plan.tooLarge).toEqual([2]);
    for (const e of plan.envelopes)
      expect(Buffer.byteLength(envelopeText(e.map((i) => objs[i] as string)))).toBeLessThanOrEqual(40);
    expect(plan.envelopes.flat().sort()).toEqual([0, 1, 3]);
    expect(planEnvelopes(objs, undefined, 2).envelopes).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  it('splits a large add into envelopes the server accepts and polls each status until complete', async () => {
    const knowledge = new MemoryKnowledgeStore();
    const s = await startMiniTaxiiServer({
      knowledge,
      collections: [C],
      maxContentLength: 4_000,
      pendingPolls: 2,
    });
    closers.push(() => s.close());
    const objects = Array.from({ length: 40 }, (_, i) => JSON.stringify(indicator('push', i, 'GREEN')));
    const r = await client(s.apiRoot).addObjects(C, objects, { pollMs: 5, waitMs: 5_000 });
    const posts = s.requests.filter((q) => q.method === 'POST');
    expect(posts.length).toBeGreaterThan(1);
    for (const p of posts) expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(4_000);
    expect(r).toMatchObject({ posted: 40, success: 40, failure: 0, pending: 0, tooLarge: [] });
    expect(r.envelopes).toBe(posts.length);
    expect(s.requests.filter((q) => q.url.includes('/status/')).length).toBe(3 * posts.length);
    expect((await knowledge.stats()).collections).toEqual([{ collection: C, objects: 40, versions: 40 }]);
  });

  it('reports what is still pending when the wait runs out', async () => {
    const s = await startMiniTaxiiServer({
      knowledge: new MemoryKnowledgeStore(),
      collections: [C],
      pendingPolls: 1000,
    });
    closers.push(() => s.close());
    const r = await client(s.apiRoot).addObjects(C, [JSON.stringify(indicator('p', 1))], {
      pollMs: 5,
      waitMs: 100,
    });
    expect(r).toMatchObject({ posted: 1, success: 0, pending: 1 });
  });
});
