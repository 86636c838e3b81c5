import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../../pipeline/ingest.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { httpSource, SourceError } from './http-source.js';

const line = (i: number) =>
  `${JSON.stringify({
    'feed.name': 'http-test',
    'time.source': '2026-10-30T12:00:00+00:00',
    'classification.type': 'c2-server',
    'source.ip': `203.0.113.${i % 250}`,
    'source.port': 1000 + i,
  })}\n`;
const GOOD = Array.from({ length: 50 }, (_, i) => line(i)).join('');

let server: Server;
let base: string;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    switch (req.url) {
      case '/good':
        res.writeHead(200, {
          'content-type': 'application/x-ndjson',
          'content-length': Buffer.byteLength(GOOD),
        });
        res.end(GOOD);
        return;
      case '/missing':
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('nope');
        return;
      case '/broken':
        res.writeHead(500);
        res.end('boom');
        return;
      case '/redirect':
        res.writeHead(302, { location: '/good' });
        res.end();
        return;
      case '/loop':
        res.writeHead(301, { location: '/loop' });
        res.end();
        return;
      case '/silent':
        return; // never answers
      case '/stall': {
        // Headers and 10 whole records, then half a record, then nothing.
        const head = Array.from({ length: 10 }, (_, i) => line(i)).join('');
        res.writeHead(200, { 'content-length': Buffer.byteLength(head) + 10_000 });
        res.write(head);
        res.write('{"feed.name": "http-te');
        return;
      }
      case '/headers-only':
        res.writeHead(200, { 'content-length': 100 });
        res.flushHeaders();
        return;
      case '/big':
        res.writeHead(200);
        res.end('x'.repeat(5000));
        return;
      default:
        res.writeHead(400);
        res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const r of open) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(SourceError);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}

describe('httpSource', () => {
  it('streams a good answer into ingest', async () => {
    const src = await httpSource(`${base}/good`);
    expect(src.size).toBe(Buffer.byteLength(GOOD));
    const store = new MemoryStore();
    const s = await ingest({ source: src, store });
    expect(s.read).toBe(50);
    expect(s.new).toBe(50);
    expect(s.source).toBe(`${base}/good`);
  });

  it('follows a redirect, and bounds redirect loops', async () => {
    const src = await httpSource(`${base}/redirect`);
    expect(src.finalUrl).toBe(`${base}/good`);
    src.close();
    const e = await failure(httpSource(`${base}/loop`, { maxRedirects: 3 }));
    expect(e.message).toContain('more than 3 redirects');
  });

  it('names the URL and status of a 404 and a 500', async () => {
    const e404 = await failure(httpSource(`${base}/missing`));
    expect(e404.message).toBe(`${base}/missing: HTTP 404 Not Found`);
    expect(e404.status).toBe(404);
    const e500 = await failure(httpSource(`${base}/broken`));
    expect(e500.message).toBe(`${base}/broken: HTTP 500 Internal Server Error`);
  });

  it('times out on a server that never answers', async () => {
    const t0 = Date.now();
    const e = await failure(httpSource(`${base}/silent`, { timeoutMs: 300 }));
    expect(e.message).toBe(`${base}/silent: no answer within 0.3 s`);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('keeps the whole records of a stalled body and marks the run failed', async () => {
    const src = await httpSource(`${base}/stall`, { timeoutMs: 300 });
    const store = new MemoryStore();
    const e = (await ingest({ source: src, store }).catch((x) => x)) as SourceError & {
      summary: { read: number; new: number };
    };
    expect(e).toBeInstanceOf(SourceError);
    expect(e.message).toMatch(/stalled \(no data for 0.3 s\) after [\d,]+ bytes/);
    expect(e.summary.read).toBe(10);
    expect(store.events.length).toBe(10);
    expect(store.runs[0]?.status).toBe('failed');
    expect(store.runs[0]?.error).toContain('stalled');
  });

  it('a body that never starts fails the run with one clear message, nothing stored', async () => {
    const src = await httpSource(`${base}/headers-only`, { timeoutMs: 300 });
    const store = new MemoryStore();
    const e = (await ingest({ source: src, store }).catch((x) => x)) as Error & { code?: string };
    expect(e.message).toBe(`${base}/headers-only: the transfer stalled (no data for 0.3 s) after 0 bytes`);
    expect(e.code).toBe('source');
    expect(store.events.length).toBe(0);
  });

  it('enforces the size limit', async () => {
    const src = await httpSource(`${base}/big`, { maxBytes: 1000 });
    const e = await failure(
      (async () => {
        for await (const _ of src.chunks) {
          /* drain */
        }
      })(),
    );
    expect(e.message).toContain('over the 1,000-byte limit');
    const declared = await failure(httpSource(`${base}/good`, { maxBytes: 10 }));
    expect(declared.message).toContain('over the 10-byte limit');
  });

  it('rejects what is not an http(s) URL, and a refused connection', async () => {
    expect((await failure(httpSource('http://'))).message).toContain('not a valid URL');
    expect((await failure(httpSource('ftp://example.com/x'))).message).toContain('only http and https');
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const e = await failure(httpSource(`http://127.0.0.1:${port}/x`));
    expect(e.message).toContain('ECONNREFUSED');
  });
});
