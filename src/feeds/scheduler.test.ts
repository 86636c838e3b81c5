import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENRICHERS } from '../components/enrichers/registry.js';
import { PARSERS } from '../components/parsers/registry.js';
import { type AccordConfig, validateConfig } from '../config/accord-config.js';
import { openSqliteStore } from '../storage/sqlite/sqlite-store.js';
import type { Store } from '../storage/store.js';
import { hostAllowed } from './allowed-hosts.js';
import type { FeedDefinition } from './feed-definition.js';
import { type FeedRunResult, runFeed } from './run-feed.js';
import { Scheduler } from './scheduler.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-scheduler-'));
let server: Server;
let base: string;
let etagHits = 0;
const open = new Set<ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/list') {
      etagHits++;
      if (req.headers['if-none-match'] === '"same"') {
        res.writeHead(304);
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"same"' });
      res.end('198.51.100.7\n198.51.100.8\n');
      return;
    }
    if (req.url === '/slow') {
      // 20 lines, one every 50 ms: a run that takes about a second.
      open.add(res);
      res.writeHead(200);
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed) return clearInterval(t);
        res.write(`203.0.113.${++i}\n`);
        if (i === 20) {
          clearInterval(t);
          res.end();
        }
      }, 50);
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(join(dir, 'scanners.txt'), '192.0.2.1\n192.0.2.2\n192.0.2.3\n');
});

afterAll(async () => {
  for (const r of open) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
function setup(feeds: string): { c: AccordConfig; store: Store } {
  const r = validateConfig(parse(`allowed_hosts: [127.0.0.1]\nfeeds:\n${feeds}`), {
    file: join(dir, 'accord.yaml'),
    parsers: PARSERS,
    enrichers: ENRICHERS,
  });
  if (!r.ok) throw new Error(r.error.join('\n'));
  return { c: r.value, store: openSqliteStore(join(dir, `s-${++n}.db`)) };
}

function scheduler(c: AccordConfig, store: Store, results: FeedRunResult[]) {
  return new Scheduler({
    feeds: c.feeds,
    store,
    run: (f: FeedDefinition, req) =>
      runFeed(f, {
        store,
        allowHost: (h) => hostAllowed(c.allowedHosts, h),
        signal: req.signal,
        nextRunAt: req.nextRunAt,
      }),
    onResult: (r) => results.push(r),
    onError: (_, e) => {
      throw e;
    },
  });
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Scheduler', () => {
  it('polls two feeds on their own short schedules, records health, and stops cleanly', async () => {
    const { c, store } = setup(
      '  - { name: files, source: scanners.txt, format: ip-list, classification: scanner, schedule: every 200ms }\n' +
        `  - { name: http, source: "${base}/list", format: ip-list, classification: c2-server, schedule: every 300ms }\n` +
        '  - { name: manual, source: scanners.txt, format: ip-list }\n' +
        '  - { name: off, source: scanners.txt, format: ip-list, schedule: every 100ms, enabled: false }',
    );
    const results: FeedRunResult[] = [];
    const s = scheduler(c, store, results);
    expect(s.feeds.map((f) => f.name)).toEqual(['files', 'http']);
    const t0 = Date.now();
    s.start();
    await wait(1100);
    await s.stop(1000);
    const stoppedAfter = Date.now() - t0;
    const runs = (name: string) => results.filter((r) => r.feed === name);
    // 0, 200, ..., 1000 ms and 0, 300, 600, 900 ms; timers are not exact, hence the ranges.
    expect(runs('files').length).toBeGreaterThanOrEqual(4);
    expect(runs('files').length).toBeLessThanOrEqual(7);
    expect(runs('http').length).toBeGreaterThanOrEqual(3);
    expect(runs('http').length).toBeLessThanOrEqual(5);
    expect(runs('manual')).toHaveLength(0);
    expect(runs('off')).toHaveLength(0);
    expect(stoppedAfter).toBeLessThan(3000);
    expect(runs('http').map((r) => r.status)).toEqual([
      'ok',
      ...runs('http')
        .slice(1)
        .map(() => 'not-modified'),
    ]);
    expect(etagHits).toBe(runs('http').length);
    const [files, http] = await Promise.all([store.getFeedState('files'), store.getFeedState('http')]);
    expect(files).toMatchObject({ lastStatus: 'ok', lastRead: 3, failures: 0 });
    expect(http).toMatchObject({ lastStatus: 'not-modified', lastRead: 2, etag: '"same"' });
    expect(await store.getFeedState('manual')).toBeUndefined();
    // Nothing runs after stop().
    const count = results.length;
    await wait(400);
    expect(results.length).toBe(count);
    expect((await store.counts()).events).toBe(5);
    await store.close();
  });

  it('keeps a stored next run across a restart', async () => {
    const { c, store } = setup(
      '  - { name: hourly, source: scanners.txt, format: ip-list, schedule: every 1h }',
    );
    await store.putFeedState({ feed: 'hourly', nextRunAt: new Date(Date.now() + 600_000).toISOString() });
    const results: FeedRunResult[] = [];
    const s = scheduler(c, store, results);
    s.start();
    await wait(300);
    await s.stop(100);
    expect(results).toHaveLength(0);
    // Without a stored next run it runs at once and stores the next one, an hour on.
    const fresh = setup('  - { name: hourly, source: scanners.txt, format: ip-list, schedule: every 1h }');
    const s2 = scheduler(fresh.c, fresh.store, results);
    s2.start();
    for (let i = 0; i < 50 && results.length === 0; i++) await wait(20);
    await s2.stop(1000);
    expect(results).toHaveLength(1);
    const next = Date.parse((await fresh.store.getFeedState('hourly'))?.nextRunAt ?? '');
    expect(next - Date.now()).toBeGreaterThan(3_500_000);
    await store.close();
    await fresh.store.close();
  });

  it('at stop, lets a run under way finish within the grace time', async () => {
    const { c, store } = setup(
      `  - { name: slow, source: "${base}/slow", format: ip-list, classification: scanner, schedule: every 1h }`,
    );
    const results: FeedRunResult[] = [];
    const s = scheduler(c, store, results);
    s.start();
    await wait(200);
    await s.stop(5000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'ok', read: 20 });
    // Stopped by a shutdown, the run has no next run.
    expect(results[0]?.health.nextRunAt).toBeUndefined();
    await store.close();
  });

  it('after the grace time, stops the run: what was read is kept, the run is failed "stopped"', async () => {
    const { c, store } = setup(
      `  - { name: slow, source: "${base}/slow", format: ip-list, classification: scanner, schedule: every 1h }`,
    );
    const results: FeedRunResult[] = [];
    const s = scheduler(c, store, results);
    s.start();
    await wait(300);
    const t0 = Date.now();
    await s.stop(100);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(results).toHaveLength(1);
    const r = results[0] as FeedRunResult;
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/stopped/);
    expect(r.read).toBeGreaterThan(0);
    expect(r.read).toBeLessThan(20);
    expect((await store.counts()).events).toBe(r.new);
    expect(await store.getFeedState('slow')).toMatchObject({ lastStatus: 'failed', failures: 1 });
    await store.close();
  });
});
