import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ENRICHERS } from '../../components/enrichers/registry.js';
import { PARSERS } from '../../components/parsers/registry.js';
import { type AccordConfig, validateConfig } from '../../config/accord-config.js';
import { hostAllowed } from '../../feeds/allowed-hosts.js';
import type { FeedRunResult } from '../../feeds/run-feed.js';
import { runFeed } from '../../feeds/run-feed.js';
import { Scheduler } from '../../feeds/scheduler.js';
import { prepareObject } from '../../knowledge/knowledge-store.js';
import type { Partner } from '../../partners/partner.js';
import { MemoryKnowledgeStore } from '../../storage/knowledge/memory-knowledge-store.js';
import { MemoryStore } from '../../storage/memory/memory-store.js';
import { startMiniTaxiiServer } from './test-support/mini-taxii-server.js';
import { indicator } from './test-support/objects.js';

const FILE = '/srv/accord/accord.yaml';
const REMOTE = '0a6e3c1d-5b7f-4e2a-9c8d-1f2e3d4c5b6a';
const INBOX = '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b';
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

function check(yaml: string) {
  return validateConfig(parse(yaml), { file: FILE, parsers: PARSERS, enrichers: ENRICHERS });
}
function valid(yaml: string): AccordConfig {
  const r = check(yaml);
  if (!r.ok) throw new Error(r.error.join('\n'));
  return r.value;
}

function partner(apiRoot: string, extra: Partial<Partner> = {}): Partner {
  return {
    name: 'cert-a',
    country: 'FR',
    identityId: 'identity--0b5c2f3e-1d4a-4b6c-8e7f-9a0b1c2d3e4f',
    agreement: { maxTlp: 'AMBER', mayShareOnward: false, read: [], write: [] },
    inboxCollection: INBOX,
    remote: { apiRoot, auth: { kind: 'basic', username: 'us', passwordEnv: 'ACCORD_TEST_A_PW' } },
    createdAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('TAXII sources in accord.yaml', () => {
  it('accepts { taxii: { partner, collection, into } } with a schedule, timeout and retries', () => {
    const c = valid(`
feeds:
  - name: cert-a-indicators
    source: { taxii: { partner: cert-a, collection: ${REMOTE} } }
    schedule: every 1h
    timeout: 20s
    retries: 3
  - name: cert-b
    source: { taxii: { partner: cert-b, into: my-collection } }
`);
    expect(c.feeds[0]?.source).toEqual({ kind: 'taxii', partner: 'cert-a', collection: REMOTE });
    expect(c.feeds[0]?.schedule?.text).toBe('every 1h');
    expect(c.feeds[0]?.timeoutMs).toBe(20_000);
    expect(c.feeds[1]?.source).toEqual({ kind: 'taxii', partner: 'cert-b', into: 'my-collection' });
  });

  it('names every mistake in a TAXII feed by its path', () => {
    const r = check(`
feeds:
  - name: bad-1
    source: { taxii: { partner: CERT A, collection: "a/b", extra: 1 } }
  - name: bad-2
    source: { taxii: cert-a }
  - name: bad-3
    source: { taxii: { partner: cert-a }, url: x }
  - name: bad-4
    source: { taxii: { partner: cert-a } }
    format: ip-list
    tlp: GREEN
    defaults: { malware.name: x }
`);
    expect(r.ok).toBe(false);
    const errors = r.ok ? [] : r.error.map((e) => e.replace(`${FILE}: `, ''));
    expect(errors).toEqual([
      'feeds[0].source.taxii.extra: unknown key (expected one of: partner, collection, into)',
      'feeds[0].source.taxii.partner: "CERT A" is not a partner name (lower-case letters, digits, dashes)',
      'feeds[0].source.taxii.collection: "a/b" is not a TAXII collection id',
      'feeds[1].source.taxii: expected { partner: NAME, collection: ID } (collection and into are optional)',
      'feeds[2].source.url: unknown key (expected one of: taxii)',
      'feeds[3].format: does not apply to a TAXII source (STIX objects are stored as they come, with their own markings)',
      'feeds[3].tlp: does not apply to a TAXII source (STIX objects are stored as they come, with their own markings)',
      'feeds[3].defaults: does not apply to a TAXII source (STIX objects are stored as they come, with their own markings)',
    ]);
  });
});

describe('runFeed with a TAXII source', () => {
  async function setup(n: number) {
    const remote = new MemoryKnowledgeStore();
    for (let i = 0; i < n; i++) await remote.put(REMOTE, [prepareObject(indicator('feed', i, 'GREEN'))]);
    const s = await startMiniTaxiiServer({
      knowledge: remote,
      collections: [REMOTE],
      maxPage: 10,
      basic: { username: 'us', password: 'pw' },
    });
    closers.push(() => s.close());
    process.env.ACCORD_TEST_A_PW = 'pw';
    const c = valid(`
allowed_hosts: [127.0.0.1]
feeds:
  - name: cert-a-feed
    source: { taxii: { partner: cert-a, collection: ${REMOTE} } }
    schedule: every 1h
    retry_delay: 0.01
`);
    const feed = c.feeds[0];
    if (!feed) throw new Error('no feed');
    const store = new MemoryStore();
    const knowledge = new MemoryKnowledgeStore();
    const deps = {
      store,
      allowHost: (h: string) => hostAllowed(c.allowedHosts, h),
      taxii: {
        knowledge,
        partner: async (name: string) => (name === 'cert-a' ? partner(s.apiRoot) : undefined),
      },
    };
    return { remote, s, feed, store, knowledge, deps };
  }

  it('pulls into the partner inbox, records the feed health, and resumes on the next run', async () => {
    const { remote, feed, store, knowledge, deps } = await setup(25);
    const r = await runFeed(feed, { ...deps, nextRunAt: (t) => t + 3_600_000 });
    expect(r).toMatchObject({
      feed: 'cert-a-feed',
      status: 'ok',
      read: 25,
      new: 25,
      folded: 0,
      quarantined: 0,
    });
    expect((await knowledge.stats()).collections).toEqual([{ collection: INBOX, objects: 25, versions: 25 }]);
    const h = await store.getFeedState('cert-a-feed');
    expect(h).toMatchObject({ lastStatus: 'ok', lastRead: 25, lastNew: 25, failures: 0 });
    expect(h?.nextRunAt).toBeDefined();
    await remote.put(REMOTE, [prepareObject(indicator('feed', 99, 'GREEN'))]);
    const r2 = await runFeed(feed, deps);
    expect(r2).toMatchObject({ status: 'ok', read: 1, new: 1 });
  });

  it('fails clearly for an unknown partner, a host not allowed, and a missing secret', async () => {
    const { feed, store, deps, s } = await setup(1);
    const unknown = await runFeed(feed, {
      ...deps,
      taxii: { ...deps.taxii, partner: async () => undefined },
    });
    expect(unknown.error).toBe('cert-a-feed: no partner named "cert-a" (accord partners list)');
    const blocked = await runFeed(feed, { ...deps, allowHost: () => false });
    expect(blocked.error).toMatch(/host "127.0.0.1" of partner cert-a's API root is not in allowed_hosts/);
    delete process.env.ACCORD_TEST_A_PW;
    const secret = await runFeed(feed, deps);
    expect(secret.error).toMatch(/ACCORD_TEST_A_PW, which is not set/);
    expect(await store.getFeedState('cert-a-feed')).toMatchObject({ lastStatus: 'failed', failures: 3 });
    expect(s.requests).toHaveLength(0);
  });

  it('runs on its schedule under the scheduler (accord feeds watch)', async () => {
    const { feed, deps } = await setup(3);
    const results: FeedRunResult[] = [];
    const scheduler = new Scheduler({
      feeds: [feed],
      store: deps.store,
      run: (f, req) => runFeed(f, { ...deps, signal: req.signal, nextRunAt: req.nextRunAt }),
      onResult: (r) => results.push(r),
    });
    scheduler.start();
    for (let i = 0; i < 100 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await scheduler.stop(1_000);
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'ok', read: 3, new: 3 });
    expect(results[0]?.health.nextRunAt).toBeDefined();
  });
});
