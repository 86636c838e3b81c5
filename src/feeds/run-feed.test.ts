import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENRICHERS } from '../components/enrichers/registry.js';
import { PARSERS } from '../components/parsers/registry.js';
import { type AccordConfig, validateConfig } from '../config/accord-config.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { hostAllowed } from './allowed-hosts.js';
import type { FeedDefinition } from './feed-definition.js';
import { type FeedRunDeps, runFeed } from './run-feed.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-feeds-'));
const ips = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => `203.0.113.${from + i}`).join('\n') + '\n';

let server: Server;
let port: number;
let base: string;
const hits = new Map<string, IncomingMessage[]>();
const open = new Set<ServerResponse>();
let version = 1;

function handle(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const path = url.pathname;
  hits.set(path, [...(hits.get(path) ?? []), req]);
  const n = hits.get(path)?.length ?? 0;
  switch (path) {
    case '/etag': {
      const tag = `"v${version}"`;
      if (req.headers['if-none-match'] === tag) {
        res.writeHead(304, { etag: tag });
        res.end();
        return;
      }
      res.writeHead(200, { etag: tag });
      res.end(ips(version * 10, 5));
      return;
    }
    case '/lastmod': {
      const lm = 'Sun, 01 Nov 2026 08:00:00 GMT';
      if (req.headers['if-modified-since'] === lm) {
        res.writeHead(304);
        res.end();
        return;
      }
      res.writeHead(200, { 'last-modified': lm });
      res.end(ips(100, 3));
      return;
    }
    case '/flaky': // fails twice, then answers
      if (n <= 2) {
        res.writeHead(n === 1 ? 500 : 503);
        res.end('try later');
        return;
      }
      res.writeHead(200);
      res.end(ips(50, 4));
      return;
    case '/down':
      res.writeHead(500);
      res.end('down');
      return;
    case '/missing':
      res.writeHead(404);
      res.end();
      return;
    case '/silent':
      open.add(res);
      return; // never answers
    case '/big':
      res.writeHead(200, { 'content-length': 5000 });
      res.end('x'.repeat(5000));
      return;
    case '/big-chunked': {
      // No declared length: whole lines first, so some records are read before the limit trips.
      res.writeHead(200);
      res.write(ips(1, 20));
      res.end(ips(21, 200));
      return;
    }
    case '/to-localhost': // the same server under a name that is not allowed
      res.writeHead(302, { location: `http://localhost:${port}/etag` });
      res.end();
      return;
    case '/to-etag':
      res.writeHead(301, { location: '/lastmod' });
      res.end();
      return;
    default:
      res.writeHead(400);
      res.end();
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const r of open) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function config(feeds: string, hosts = '[127.0.0.1]'): AccordConfig {
  const r = validateConfig(parse(`allowed_hosts: ${hosts}\nfeeds:\n${feeds}`), {
    file: join(dir, 'accord.yaml'),
    parsers: PARSERS,
    enrichers: ENRICHERS,
  });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

function httpFeed(name: string, path: string, extra = ''): { feed: FeedDefinition; c: AccordConfig } {
  const c = config(
    `  - { name: ${name}, source: "${base}${path}", format: ip-list, classification: c2-server, retry_delay: 20ms${extra} }`,
  );
  return { feed: c.feeds[0] as FeedDefinition, c };
}

const deps = (store: Store, c: AccordConfig, more: Partial<FeedRunDeps> = {}): FeedRunDeps => ({
  store,
  allowHost: (h) => hostAllowed(c.allowedHosts, h),
  ...more,
});

describe('runFeed over files', () => {
  it('ingests every file a glob matches, and records health', async () => {
    const drops = join(dir, 'drops');
    mkdirSync(join(drops, 'sub'), { recursive: true });
    writeFileSync(join(drops, 'a.txt'), ips(1, 3));
    writeFileSync(join(drops, 'b.txt'), `${ips(4, 2)}not an address\n`);
    writeFileSync(join(drops, 'c.csv'), ips(9, 9));
    writeFileSync(join(drops, 'sub', 'd.txt'), ips(30, 1));
    const c = config(
      '  - { name: drops, source: drops/*.txt, format: ip-list, classification: scanner, tlp: GREEN }\n' +
        '  - { name: deep, source: "drops/**/*.txt", format: ip-list, classification: scanner }',
    );
    const store = new MemoryStore();
    const r = await runFeed(c.feeds[0] as FeedDefinition, deps(store, c));
    expect(r.status).toBe('ok');
    expect(r.inputs.map((i) => i.source)).toEqual([join(drops, 'a.txt'), join(drops, 'b.txt')]);
    expect({ read: r.read, new: r.new, quarantined: r.quarantined }).toEqual({
      read: 6,
      new: 5,
      quarantined: 1,
    });
    expect(store.events.every((e) => e['feed.name'] === 'drops' && e.tlp === 'GREEN')).toBe(true);
    expect(store.events.every((e) => e['classification.type'] === 'scanner')).toBe(true);
    expect(r.health).toMatchObject({
      feed: 'drops',
      lastStatus: 'ok',
      failures: 0,
      lastRead: 6,
      lastNew: 5,
      lastQuarantined: 1,
    });
    expect(await store.getFeedState('drops')).toEqual(r.health);
    // A second run folds everything it read before.
    const again = await runFeed(c.feeds[0] as FeedDefinition, deps(store, c));
    expect({ new: again.new, folded: again.folded }).toEqual({ new: 0, folded: 5 });
    const deep = await runFeed(c.feeds[1] as FeedDefinition, deps(store, c));
    expect(deep.inputs).toHaveLength(3);
  });

  it('a glob that matches nothing fails the run and says so', async () => {
    const c = config('  - { name: none, source: nowhere/*.txt }');
    const store = new MemoryStore();
    const r = await runFeed(c.feeds[0] as FeedDefinition, deps(store, c));
    expect(r.status).toBe('failed');
    expect(r.error).toBe(`${join(dir, 'nowhere/*.txt')}: no file matches`);
    expect(r.health).toMatchObject({ lastStatus: 'failed', failures: 1, lastError: r.error });
  });

  it('a stop before the run reads nothing', async () => {
    writeFileSync(join(dir, 'one.txt'), ips(1, 2));
    const c = config('  - { name: one, source: one.txt, format: ip-list, classification: scanner }');
    const store = new MemoryStore();
    const stop = new AbortController();
    stop.abort();
    const r = await runFeed(c.feeds[0] as FeedDefinition, deps(store, c, { signal: stop.signal }));
    expect(r.status).toBe('failed');
    expect(r.error).toContain('not read (shutdown)');
    expect(store.events).toHaveLength(0);
  });
});

describe('runFeed over HTTP (loopback)', () => {
  it('200 with an ETag, then 304: nothing read, health kept; a new version is read again', async () => {
    version = 1;
    const store = openSqliteStore(':memory:');
    try {
      const { feed, c } = httpFeed('etag', '/etag');
      const first = await runFeed(feed, deps(store, c));
      expect(first).toMatchObject({ status: 'ok', read: 5, new: 5 });
      expect(await store.getFeedState('etag')).toMatchObject({
        lastStatus: 'ok',
        httpUrl: `${base}/etag`,
        etag: '"v1"',
        lastRead: 5,
      });
      const second = await runFeed(feed, deps(store, c));
      expect(second).toMatchObject({ status: 'not-modified', read: 0, inputs: [] });
      expect(hits.get('/etag')?.at(-1)?.headers['if-none-match']).toBe('"v1"');
      const h = await store.getFeedState('etag');
      expect(h).toMatchObject({ lastStatus: 'not-modified', etag: '"v1"', lastRead: 5, failures: 0 });
      version = 2;
      const third = await runFeed(feed, deps(store, c));
      expect(third).toMatchObject({ status: 'ok', read: 5, new: 5 });
      expect((await store.getFeedState('etag'))?.etag).toBe('"v2"');
      expect((await store.counts()).events).toBe(10);
    } finally {
      await store.close();
    }
  });

  it('uses Last-Modified when there is no ETag, and validators only for the same URL', async () => {
    const store = new MemoryStore();
    const { feed, c } = httpFeed('lm', '/lastmod');
    expect((await runFeed(feed, deps(store, c))).status).toBe('ok');
    expect((await runFeed(feed, deps(store, c))).status).toBe('not-modified');
    expect(hits.get('/lastmod')?.at(-1)?.headers['if-modified-since']).toBe('Sun, 01 Nov 2026 08:00:00 GMT');
    // The feed now reads another URL (that redirects to the same body): no validators are sent.
    const moved = httpFeed('lm', '/to-etag');
    const r = await runFeed(moved.feed, deps(store, moved.c));
    expect(r.status).toBe('ok');
    expect(hits.get('/to-etag')?.at(-1)?.headers['if-modified-since']).toBeUndefined();
  });

  it('retries a 500 and a 503 with growing, jittered back-off, then succeeds', async () => {
    const store = new MemoryStore();
    const { feed, c } = httpFeed('flaky', '/flaky', ', retries: 2');
    const retries: Array<{ attempt: number; delayMs: number; error: string }> = [];
    const t0 = Date.now();
    const r = await runFeed(feed, deps(store, c, { onRetry: (_, x) => retries.push(x) }));
    expect(r).toMatchObject({ status: 'ok', attempts: 3, read: 4, new: 4 });
    expect(retries.map((x) => x.attempt)).toEqual([1, 2]);
    expect(retries[0]?.error).toBe(`${base}/flaky: HTTP 500 Internal Server Error`);
    expect(retries[1]?.error).toBe(`${base}/flaky: HTTP 503 Service Unavailable`);
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(10);
    expect(retries[0]?.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]?.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]?.delayMs).toBeLessThanOrEqual(40);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(30);
    expect(r.health).toMatchObject({ lastStatus: 'ok', failures: 0 });
  });

  it('gives up after the retries, counting failed runs in a row; a 404 is not retried', async () => {
    const store = new MemoryStore();
    const { feed, c } = httpFeed('down', '/down', ', retries: 1');
    const a = await runFeed(feed, deps(store, c));
    expect(a).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: `${base}/down: HTTP 500 Internal Server Error`,
    });
    const b = await runFeed(feed, deps(store, c));
    expect(b.health).toMatchObject({ lastStatus: 'failed', failures: 2, lastError: b.error });
    expect(b.health.lastSuccessAt).toBeUndefined();
    const missing = httpFeed('missing', '/missing', ', retries: 3');
    const m = await runFeed(missing.feed, deps(store, missing.c));
    expect(m).toMatchObject({ status: 'failed', attempts: 1, error: `${base}/missing: HTTP 404 Not Found` });
  });

  it('times out on a server that never answers, and retries a timeout', async () => {
    const store = new MemoryStore();
    const { feed, c } = httpFeed('silent', '/silent', ', timeout: 200ms, retries: 1');
    const t0 = Date.now();
    const r = await runFeed(feed, deps(store, c));
    expect(r).toMatchObject({
      status: 'failed',
      attempts: 2,
      error: `${base}/silent: no answer within 0.2 s`,
    });
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('refuses a body over max_bytes, declared or not, without retrying', async () => {
    const store = new MemoryStore();
    const big = httpFeed('big', '/big', ', max_bytes: 1000, retries: 2');
    const r = await runFeed(big.feed, deps(store, big.c));
    expect(r).toMatchObject({ status: 'failed', attempts: 1, read: 0 });
    expect(r.error).toBe(`${base}/big: body is 5,000 bytes, over the 1,000-byte limit`);
    const chunked = httpFeed('chunked', '/big-chunked', ', max_bytes: 1KB, retries: 2');
    const s = await runFeed(chunked.feed, deps(store, chunked.c));
    expect(s).toMatchObject({ status: 'failed', attempts: 1 });
    expect(s.error).toContain('over the 1,000-byte limit');
    // What was read before the limit is kept and accounted for.
    expect(s.read).toBeLessThan(220);
    expect(s.read).toBe(s.new + s.folded + s.quarantined);
    expect(store.events.filter((e) => e['feed.name'] === 'chunked')).toHaveLength(s.new);
  });

  it('refuses a host not in allowed_hosts, also through a redirect, before connecting', async () => {
    const store = new MemoryStore();
    // Built with 127.0.0.1 allowed, run with an allow-list that has only another host.
    const { feed, c } = httpFeed('direct', '/etag');
    const before = hits.get('/etag')?.length ?? 0;
    const r = await runFeed(feed, { ...deps(store, c), allowHost: (h) => h === 'feeds.example.com' });
    expect(r).toMatchObject({ status: 'failed', attempts: 1 });
    expect(r.error).toBe(`${base}/etag: host "127.0.0.1" is not in the allowed hosts`);
    expect(hits.get('/etag')?.length ?? 0).toBe(before);
    const redirect = httpFeed('redirect', '/to-localhost', ', retries: 2');
    const x = await runFeed(redirect.feed, deps(store, redirect.c));
    expect(x).toMatchObject({ status: 'failed', attempts: 1 });
    expect(x.error).toBe(
      `${base}/to-localhost: redirected to http://localhost:${port}/etag: host "localhost" is not in the allowed hosts`,
    );
    expect(hits.get('/etag')?.length ?? 0).toBe(before);
    expect(store.events.filter((e) => e['feed.name'] === 'redirect')).toHaveLength(0);
  });
});
