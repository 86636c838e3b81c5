/**
 * A partner's TAXII server treated as untrusted: oversized and never-ending answers, bodies that
 * trickle past the timeout, paging that never advances, malformed resources, credentials kept
 * from other origins and from messages, plain http refused. All on 127.0.0.1, every loop bounded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TAXII_MEDIA_TYPE } from './media.js';
import {
  createTaxiiClient,
  MAX_EMPTY_PAGES,
  type RetryInfo,
  type TaxiiClient,
  type TaxiiClientOptions,
} from './taxii-client.js';
import { TaxiiError } from './taxii-error.js';
import { indicator } from './test-support/objects.js';
import {
  type Reply,
  type Script,
  type ScriptedServer,
  startScriptedServer,
} from './test-support/scripted-server.js';
import { isLoopbackHost, printable } from './untrusted.js';

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

/** A raw node:http server on 127.0.0.1 for answers the scripted one cannot give (streams). */
async function raw(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Writes `chunk` every `everyMs` until the client goes away (or 2,000 writes, whichever first). */
function stream(res: ServerResponse, chunk: string, everyMs: number): void {
  res.writeHead(200, { 'Content-Type': TAXII_MEDIA_TYPE });
  res.write('{"more":false,"objects":[');
  let n = 0;
  const t = setInterval(() => {
    if (res.destroyed || n++ > 2_000) {
      clearInterval(t);
      res.destroy();
      return;
    }
    res.write(chunk);
  }, everyMs);
  res.on('close', () => clearInterval(t));
}

function client(apiRoot: string, o: Partial<TaxiiClientOptions> = {}): TaxiiClient {
  const r = createTaxiiClient({ apiRoot, auth: { kind: 'none' }, retryDelayMs: 5, timeoutMs: 5_000, ...o });
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

async function drain(c: TaxiiClient, maxPages = 1_000): Promise<number> {
  let n = 0;
  for await (const _ of c.pages(C, { limit: 10 }, maxPages)) n++;
  return n;
}

const page = (extra: Record<string, unknown>, headers: Record<string, string> = {}): Reply => ({
  headers,
  body: { objects: [indicator('u', 1)], ...extra },
});

describe('answer size and time', () => {
  it('stops reading a never-ending answer at the byte limit and names the URL', async () => {
    const url = await raw((_req, res) => stream(res, `${'x'.repeat(16 * 1024)},`, 1));
    const e = await caught(client(`${url}/api1/`, { maxResponseBytes: 256 * 1024 }).getObjects(C));
    expect(e.kind).toBe('protocol');
    expect(e.retryable).toBe(false);
    expect(e.message).toBe(
      `GET ${url}/api1/collections/${C}/objects/: the answer is more than the 262144 bytes read`,
    );
  });

  it('refuses at once an answer whose Content-Length is over the limit', async () => {
    const s = await scripted(() => ({ headers: { 'Content-Length': '5000' }, body: 'x'.repeat(5000) }));
    const e = await caught(client(`${s.url}/api1/`, { maxResponseBytes: 1000 }).getObjects(C));
    expect(e.message).toMatch(/objects\/: the answer is 5000 bytes, more than the 1000 read$/);
    expect(s.requests.length).toBe(1);
  });

  it('reads only the start of an error answer, so an endless 503 is still a 503 tried again', async () => {
    let requests = 0;
    const url = await raw((_req, res) => {
      requests++;
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      let n = 0;
      const t = setInterval(() => {
        if (res.destroyed || n++ > 2_000) {
          clearInterval(t);
          res.destroy();
          return;
        }
        res.write('busy '.repeat(4096));
      }, 1);
      res.on('close', () => clearInterval(t));
    });
    const e = await caught(client(`${url}/api1/`, { retries: 1 }).getObjects(C));
    expect(e.kind).toBe('status');
    expect(e.status).toBe(503);
    expect(e.message).toMatch(
      /HTTP 503 Service Unavailable: busy busy .*characters\) \(gave up after 2 tries\)$/,
    );
    expect(requests).toBe(2);
  });

  it('times out an answer whose headers come at once but whose body trickles', async () => {
    let requests = 0;
    const url = await raw((_req, res) => {
      requests++;
      stream(res, ' ', 50);
    });
    const t0 = performance.now();
    const e = await caught(client(`${url}/api1/`, { timeoutMs: 300, retries: 1 }).getObjects(C));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/no complete answer within 0.3 s \(gave up after 2 tries\)$/);
    expect(requests).toBe(2);
    expect(performance.now() - t0).toBeLessThan(4_000);
  });
});

describe('paging that never ends', () => {
  it('stops when more stays true with fresh next tokens but no objects', async () => {
    const s = await scripted((_r, n) => ({ body: { more: true, next: `t${n}`, objects: [] } }));
    const e = await caught(drain(client(`${s.url}/api1/`)));
    expect(e.message).toMatch(new RegExp(`${MAX_EMPTY_PAGES} pages in a row brought no object`));
    expect(s.requests.length).toBe(MAX_EMPTY_PAGES);
  });

  it('stops when X-TAXII-Date-Added-Last goes back between pages', async () => {
    const s = await scripted((_r, n) =>
      page({ more: true, next: `t${n}` }, { 'X-TAXII-Date-Added-Last': `2026-03-0${5 - n}T00:00:00Z` }),
    );
    const e = await caught(drain(client(`${s.url}/api1/`)));
    expect(e.message).toMatch(/X-TAXII-Date-Added-Last went back \(2026-03-03T00:00:00Z after/);
    expect(s.requests.length).toBe(2);
  });

  it('stops when a page without next dates its objects before the added_after asked', async () => {
    // Each page a new, earlier date: never the same twice, so only the order shows the loop.
    const s = await scripted((_r, n) =>
      page({ more: true }, { 'X-TAXII-Date-Added-Last': `2026-03-01T00:00:0${9 - n}Z` }),
    );
    const e = await caught(
      (async () => {
        for await (const _ of client(`${s.url}/api1/`).pages(
          C,
          { addedAfter: '2026-03-02T00:00:00Z' },
          1_000,
        ));
      })(),
    );
    expect(e.message).toMatch(/X-TAXII-Date-Added-Last \(2026-03-01T00:00:08Z\) does not advance/);
    expect(s.requests.length).toBe(1);
  });

  it('is bounded by the page count it is given', async () => {
    const s = await scripted((_r, n) => page({ more: true, next: `t${n}` }));
    expect(await drain(client(`${s.url}/api1/`), 7)).toBe(7);
    expect(s.requests.length).toBe(7);
  });
});

describe('what the server sends is checked before use', () => {
  it.each([
    [{ more: 'yes' }, /"more" is not true or false \("yes"\)/],
    [{ more: true, next: 5 }, /"next" is not a string \(5\)/],
    [{ objects: { a: 1 } }, /"objects" is not a list/],
  ])('an envelope with %j is a protocol error', async (extra, message) => {
    const s = await scripted(() => page(extra));
    const e = await caught(client(`${s.url}/api1/`).getObjects(C));
    expect(e.kind).toBe('protocol');
    expect(e.message).toMatch(message);
  });

  it('refuses a page with far more objects than a page may hold', async () => {
    const objects = Array.from({ length: 30 }, (_, i) => indicator('many', i));
    const s = await scripted(() => ({ body: { more: false, objects } }));
    const e = await caught(client(`${s.url}/api1/`, { maxObjectsPerPage: 20 }).getObjects(C, { limit: 10 }));
    expect(e.message).toMatch(/the page holds 30 objects, more than the 20 a page may \(asked for 10\)/);
    // A limit above the cap raises it: the server gave what we asked for.
    expect(
      (await client(`${s.url}/api1/`, { maxObjectsPerPage: 20 }).getObjects(C, { limit: 50 })).objectCount,
    ).toBe(30);
  });

  it('refuses an X-TAXII-Date-Added-Last that is not a timestamp (it would become the cursor)', async () => {
    const s = await scripted(() => page({ more: false }, { 'X-TAXII-Date-Added-Last': 'yesterday' }));
    const e = await caught(client(`${s.url}/api1/`).getObjects(C));
    expect(e.message).toMatch(/the x-taxii-date-added-last header is not a timestamp \(yesterday\)/);
  });

  it('checks the collections list and the API root resource instead of crashing on them', async () => {
    const s = await scripted((r) =>
      r.url.endsWith('/collections/')
        ? { body: { collections: [{ id: 'a', title: 'A', can_read: true, can_write: false }, null] } }
        : { body: { title: 'root', versions: [TAXII_MEDIA_TYPE], max_content_length: 'big' } },
    );
    const c = client(`${s.url}/api1/`);
    expect((await caught(c.collections())).message).toMatch(
      /collections\/: collections\[1\] is not an object$/,
    );
    expect((await caught(c.apiRootInfo())).message).toMatch(
      /lacks a title, versions or a max_content_length/,
    );
  });

  it('checks status resources: counts, detail lists and the id polled', async () => {
    const statuses: Record<string, unknown> = {
      neg: { id: 'neg', status: 'complete', total_count: 1, success_count: -1 },
      list: { id: 'list', status: 'complete', failures: 'all of them' },
      swap: { id: 'other', status: 'complete' },
      good: { id: 'good', status: 'complete', success_count: 1, successes: [{ id: 'x', version: 'v' }] },
    };
    const s = await scripted((r) => ({ body: statuses[/status\/([^/]+)\//.exec(r.url)?.[1] ?? ''] ?? {} }));
    const c = client(`${s.url}/api1/`);
    expect((await caught(c.status('neg'))).message).toMatch(/success_count is not a count \(-1\)/);
    expect((await caught(c.status('list'))).message).toMatch(/failures is not a list/);
    expect((await caught(c.status('swap'))).message).toMatch(
      /asked for status swap, the server answered with other/,
    );
    expect((await c.status('good')).success_count).toBe(1);
  });

  it('puts no terminal escapes and no unbounded text from the server into its messages', async () => {
    const title = `\u001b]52;c;${'A'.repeat(5000)}\u0007\u001b[2J`;
    const s = await scripted(() => ({ status: 400, body: { title } }));
    const e = await caught(client(`${s.url}/api1/`).getObjects(C));
    expect(e.message).not.toMatch(/[\u0000-\u001f]/);
    expect(e.message.length).toBeLessThan(400);
    expect(printable('a\u202eb\nc')).toBe('a?b?c');
  });
});

describe('credentials', () => {
  it('never reach another origin: a redirect is refused and its target gets no request', async () => {
    const other = await scripted(() => ({ body: { more: false, objects: [] } }));
    const s = await scripted(() => ({ status: 307, headers: { Location: `${other.url}/api1/` } }));
    const e = await caught(
      client(`${s.url}/api1/`, {
        auth: { kind: 'bearer', tokenEnv: 'T' },
        env: { T: 'sekret-123' },
      }).getObjects(C),
    );
    expect(e.message).toMatch(/HTTP 307 redirect to .*: redirects are not followed/);
    expect(s.requests[0]?.headers.authorization).toBe('Bearer sekret-123');
    expect(other.requests.length).toBe(0);
  });

  it('are in no error message and no retry notice', async () => {
    const s = await scripted((_r, n) =>
      n === 1 ? { status: 503 } : { status: 401, body: { title: 'who?' } },
    );
    const retries: RetryInfo[] = [];
    const e = await caught(
      client(`${s.url}/api1/`, {
        auth: { kind: 'basic', username: 'cert-zz', passwordEnv: 'PW' },
        env: { PW: 'pa55-w0rd' },
        onRetry: (r) => retries.push(r),
      }).getObjects(C),
    );
    expect(retries.length).toBe(1);
    const said = JSON.stringify([e.message, retries]);
    expect(said).toMatch(/user cert-zz, password from \$PW/);
    expect(said).not.toContain('pa55-w0rd');
    expect(said).not.toContain(Buffer.from('cert-zz:pa55-w0rd').toString('base64'));
  });

  it("go to discovery only on the API root's own origin", async () => {
    const s = await scripted(() => ({ body: { title: 'd', api_roots: [] } }));
    const c = client(`${s.url}/api1/`, { auth: { kind: 'bearer', tokenEnv: 'T' }, env: { T: 'k' } });
    expect((await c.discovery(`${s.url}/taxii2/`)).title).toBe('d');
    const other = s.url.replace('127.0.0.1', 'localhost');
    const e = await caught(c.discovery(`${other}/taxii2/`));
    expect(e.kind).toBe('config');
    expect(e.message).toMatch(
      /not on the API root's origin .*: the partner's credentials are not sent there/,
    );
    expect(s.requests.length).toBe(1);
  });

  it('refuses a plain http API root on another host unless allowed; loopback is fine', () => {
    const o = { auth: { kind: 'none' } as const };
    const r = createTaxiiClient({ ...o, apiRoot: 'http://taxii.cert-xx.example/api1/' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/is plain http: TAXII 2.1 requires HTTPS.*--allow-http/);
    expect(
      createTaxiiClient({ ...o, apiRoot: 'http://taxii.cert-xx.example/api1/', allowHttp: true }).ok,
    ).toBe(true);
    expect(createTaxiiClient({ ...o, apiRoot: 'https://taxii.cert-xx.example/api1/' }).ok).toBe(true);
    expect(createTaxiiClient({ ...o, apiRoot: 'http://127.0.0.1:9/api1/' }).ok).toBe(true);
    expect(createTaxiiClient({ ...o, apiRoot: 'http://[::1]:9/api1/' }).ok).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('127.example')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
  });
});
