/**
 * The TAXII 2.1 server against what the review of issue 4 found (docs/taxii-server.md,
 * "Conformance"): the operator reads through the release policy too (no TLP:RED over TAXII), the
 * egress check holds even when a store offers too much, a POST does not tell whether we already
 * held an object, bad input of every kind is a 4xx TAXII error (never a 500, never another body),
 * and a burst of guesses sent at once is limited like guesses sent one by one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS, type TlpLevel } from '../../domain/tlp.js';
import { scoId } from '../../knowledge/ids.js';
import { KNOWLEDGE_COLLECTION, type KnowledgeStore, prepareObject } from '../../knowledge/knowledge-store.js';
import type { StixObject } from '../../knowledge/stix.js';
import { buildApp } from '../../server/app.js';
import { SqliteKnowledgeStore } from '../../storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../../storage/partners/sqlite-partner-store.js';
import { openSqliteStore, type SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { SqliteStatusStore } from '../../storage/taxii/sqlite-status-store.js';
import { clientKey } from './auth.js';
import { TAXII_MEDIA_TYPE } from './media.js';
import { MAX_MATCH_VALUES } from './query.js';
import { API_ROOT_PATH, type TaxiiServerOptions } from './taxii-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-taxii-conf-'));
const ROOT = API_ROOT_PATH;
const K = KNOWLEDGE_COLLECTION;
const OBJECTS = `${ROOT}collections/${K}/objects/`;
const MANIFEST = `${ROOT}collections/${K}/manifest/`;
const MAX_FAILURES = 3;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const indicator = (n: number, tlp: TlpLevel | undefined): StixObject => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${uuid(n)}`,
  created: '2026-10-01T00:00:00.000Z',
  modified: '2026-10-01T00:00:00.000Z',
  pattern: `[ipv4-addr:value = '198.51.100.${n}']`,
  pattern_type: 'stix',
  valid_from: '2026-10-01T00:00:00Z',
  ...(tlp ? { object_marking_refs: [TLP2_MARKING_IDS[tlp]] } : {}),
});
/** An SCO: its id is derived from its value, so anyone can write the exact JSON we would hold. */
const redAddress: StixObject = {
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: scoId('ipv4-addr', { value: '198.51.100.250' }),
  value: '198.51.100.250',
  object_marking_refs: [TLP2_MARKING_IDS.RED],
};
const red = indicator(1, 'RED');
const amber = indicator(2, 'AMBER');
const unmarked = indicator(3, undefined);

let store: SqliteStore;
let knowledge: SqliteKnowledgeStore;
let partners: SqlitePartnerStore;
const apps: FastifyInstance[] = [];
let app: FastifyInstance;
const secrets: Record<string, string> = {};

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const auth = (who: string) =>
  who === 'admin' ? `Bearer ${secrets.admin}` : basic(who, secrets[who] as string);
const body = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;
const ids = (r: { body: string }) => ((body(r).objects ?? []) as Array<{ id: string }>).map((o) => o.id);

function expectTaxiiError(
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(r.statusCode, r.body).toBe(status);
  expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
  const b = body(r);
  expect(b.http_status).toBe(String(status));
  expect(typeof b.title).toBe('string');
}

async function makeApp(o: Partial<TaxiiServerOptions> = {}): Promise<FastifyInstance> {
  const a = await buildApp({
    taxii: {
      knowledge,
      quarantine: store,
      partners,
      statuses: new SqliteStatusStore(store.db),
      maxContentLength: 16 * 1024,
      rateLimit: { maxFailures: MAX_FAILURES, windowMs: 60_000, maxKeys: 1000 },
      ...o,
    },
  });
  apps.push(a);
  return a;
}

function call(a: FastifyInstance, who: string | undefined, o: InjectOptions & { url: string }) {
  return a.inject({
    method: 'GET',
    ...o,
    headers: {
      accept: TAXII_MEDIA_TYPE,
      ...(who !== undefined ? { authorization: auth(who) } : {}),
      ...(o.headers as Record<string, string>),
    },
  });
}
const get = (who: string | undefined, url: string) => call(app, who, { url });
const post = (who: string, url: string, payload: string, headers: Record<string, string> = {}) =>
  call(app, who, {
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': TAXII_MEDIA_TYPE, ...headers },
  });

beforeAll(async () => {
  store = openSqliteStore(join(dir, 'taxii.db'));
  knowledge = new SqliteKnowledgeStore(store.db);
  partners = new SqlitePartnerStore(store.db);
  await knowledge.put(
    K,
    [red, amber, unmarked, redAddress].map((o) => prepareObject(o)),
  );
  for (const name of ['cert-writer', 'cert-burst', 'cert-parallel']) {
    const p = await partners.add({
      name,
      country: 'XX',
      agreement: { read: [K], write: [K], maxTlp: 'AMBER', mayShareOnward: false },
    });
    if (!p.ok) throw new Error(p.error);
    const c = await partners.addCredential({ kind: 'basic', partner: name });
    if (!c.ok) throw new Error(c.error);
    secrets[name] = c.value.secret;
  }
  const noIndicators = await partners.add({
    name: 'cert-no-indicators',
    country: 'XX',
    agreement: { read: [K], write: [], maxTlp: 'AMBER', mayShareOnward: false, excludeTypes: ['indicator'] },
  });
  const pw = await partners.addCredential({ kind: 'basic', partner: 'cert-no-indicators' });
  if (!noIndicators.ok || !pw.ok) throw new Error('cert-no-indicators');
  secrets['cert-no-indicators'] = pw.value.secret;
  const admin = await partners.addCredential({ kind: 'api-key' });
  if (!admin.ok) throw new Error(admin.error);
  secrets.admin = admin.value.secret;
  app = await makeApp();
});

afterAll(async () => {
  for (const a of apps) await a.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLP:RED never goes through TAXII, not even to the operator', () => {
  it('the operator lists, reads, counts and deletes everything but RED', async () => {
    expect(ids(await get('admin', `${OBJECTS}?limit=100`))).toEqual([amber.id, unmarked.id]);
    const manifest = await get('admin', `${MANIFEST}?limit=100`);
    expect(ids(manifest)).toEqual([amber.id, unmarked.id]);
    for (const id of [red.id, redAddress.id]) {
      expectTaxiiError(await get('admin', `${OBJECTS}${id}/`), 404);
      expectTaxiiError(await get('admin', `${OBJECTS}${id}/versions/`), 404);
      expect(ids(await get('admin', `${OBJECTS}?match[id]=${id}`))).toEqual([]);
      expectTaxiiError(await call(app, 'admin', { method: 'DELETE', url: `${OBJECTS}${id}/` }), 404);
      expect((await knowledge.latest(K, id))?.id).toBe(id);
    }
  });

  it('with the deployment default at RED, unmarked objects are RED to the operator too', async () => {
    const strict = await makeApp({ defaultTlp: 'RED' });
    expect(ids(await call(strict, 'admin', { url: `${OBJECTS}?limit=100` }))).toEqual([amber.id]);
  });

  it('the egress check holds even when the store offers what the policy forbids', async () => {
    // a store that forgets the visibility part of every filter: the page still may not carry RED,
    // nor a type the agreement excludes
    const careless: KnowledgeStore = Object.create(knowledge, {
      list: {
        value: (c: string, f: object, p: object) =>
          knowledge.list(c, { ...f, tlp: undefined, types: undefined, excludeTypes: undefined }, p),
      },
    });
    const leaky = await makeApp({ knowledge: careless });
    for (const who of ['admin', 'cert-writer']) {
      const page = await call(leaky, who, { url: `${OBJECTS}?limit=100` });
      expect(page.statusCode).toBe(200);
      expect(ids(page)).not.toContain(red.id);
      expect(ids(page)).not.toContain(redAddress.id);
      expect(ids(page)).toContain(amber.id);
      expect(ids(await call(leaky, who, { url: `${OBJECTS}${red.id}/` }))).toEqual([]);
    }
    const page = await call(leaky, 'cert-no-indicators', { url: `${OBJECTS}?limit=100` });
    expect(page.statusCode).toBe(200);
    expect(ids(page)).toEqual([]);
  });
});

describe('match[version] combinations, versions paging', () => {
  it('first, last, all and timestamps combine as alternatives; versions page with next', async () => {
    const inbox = (await partners.get('cert-writer'))?.inboxCollection as string;
    const V = ['2026-09-01T00:00:00.000Z', '2026-09-15T00:00:00.000Z', '2026-10-01T00:00:00.000Z'];
    const mw = (modified: string): StixObject => ({
      type: 'malware',
      spec_version: '2.1',
      id: `malware--${uuid(77)}`,
      created: V[0] as string,
      modified,
      name: 'qakbot',
      is_family: true,
      object_marking_refs: [TLP2_MARKING_IDS.GREEN],
    });
    // stored out of order: "first" and "last" follow modified, not date_added
    await knowledge.put(
      inbox,
      [mw(V[1] as string), mw(V[2] as string), mw(V[0] as string)].map((o) => prepareObject(o)),
    );
    const url = `${ROOT}collections/${inbox}/objects/malware--${uuid(77)}/`;
    const versions = async (q: string) =>
      ((body(await get('cert-writer', `${url}?${q}`)).objects ?? []) as Array<{ modified: string }>)
        .map((o) => o.modified)
        .sort();
    expect(await versions('')).toEqual([V[2]]);
    expect(await versions('match[version]=first,last')).toEqual([V[0], V[2]]);
    expect(await versions(`match[version]=first,${V[1]}`)).toEqual([V[0], V[1]]);
    expect(await versions(`match[version]=${V[1]}&match[version]=${V[2]}`)).toEqual([V[1], V[2]]);
    expect(await versions('match[version]=all,first')).toEqual(V);
    expect(await versions('match[version]=last&match[spec_version]=2.1')).toEqual([V[2]]);
    expect(await versions('match[version]=all&match[spec_version]=2.0')).toEqual([]);
    const manifest = body(
      await get(
        'cert-writer',
        `${ROOT}collections/${inbox}/manifest/?match[id]=malware--${uuid(77)}&match[version]=first,last`,
      ),
    );
    expect((manifest.objects as Array<{ version: string }>).map((e) => e.version).sort()).toEqual([
      V[0],
      V[2],
    ]);
    // the versions endpoint pages like the others, in date_added order
    const p1 = await get('cert-writer', `${url}versions/?limit=2`);
    const b1 = body(p1);
    expect(b1).toMatchObject({ more: true, versions: [V[1], V[2]] });
    expect(p1.headers['x-taxii-date-added-first']).toBeDefined();
    const p2 = body(
      await get('cert-writer', `${url}versions/?limit=2&next=${encodeURIComponent(b1.next as string)}`),
    );
    expect(p2).toEqual({ more: false, versions: [V[0]] });
  });
});

describe('POST objects: a status resource that tells nothing of what the poster may not see', () => {
  it('posting a copy of a RED object we hold answers exactly as posting a new one', async () => {
    const fresh: StixObject = {
      ...redAddress,
      id: scoId('ipv4-addr', { value: '198.51.100.251' }),
      value: '198.51.100.251',
    };
    const held = await post('cert-writer', OBJECTS, JSON.stringify({ objects: [redAddress] }));
    const news = await post('cert-writer', OBJECTS, JSON.stringify({ objects: [fresh] }));
    for (const r of [held, news]) {
      expect(r.statusCode).toBe(202);
      expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    }
    const a = body(held);
    const b = body(news);
    expect(a.successes).toEqual([expect.objectContaining({ id: redAddress.id })]);
    const details = (s: Record<string, unknown>) =>
      (s.successes as Array<Record<string, unknown>>).map(({ id: _id, version: _v, ...rest }) => rest);
    expect(details(a)).toEqual(details(b));
    // the status resource has every field TAXII 2.1 requires, with their types
    for (const s of [a, b]) {
      expect(s).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'complete',
        request_timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        total_count: 1,
        success_count: 1,
        failure_count: 0,
        pending_count: 0,
      });
      const st = await get('cert-writer', `${ROOT}status/${s.id}/`);
      expect(body(st)).toEqual(s);
      expectTaxiiError(await get('cert-burst', `${ROOT}status/${s.id}/`), 404);
    }
  });
});

describe('bad input is a 4xx TAXII error, never a 500 nor another body', () => {
  it(`more than ${MAX_MATCH_VALUES} values in one match[...] is a 400`, async () => {
    const many = (v: string) => Array.from({ length: MAX_MATCH_VALUES + 1 }, () => v).join(',');
    for (const q of [
      `match[type]=${many('indicator')}`,
      `match[version]=${many('2026-10-01T00:00:00.000Z')}`,
      `match[spec_version]=${many('2.1')}`,
      `match[id]=${many(red.id)}`,
    ]) {
      const r = await get('cert-writer', `${OBJECTS}?${q}`);
      expectTaxiiError(r, 400);
      expect(String(body(r).description)).toMatch(/at most 1000/);
    }
    // as many as allowed is fine
    const ok = await get(
      'cert-writer',
      `${OBJECTS}?match[type]=${many('indicator').replace(/^indicator,/, '')}`,
    );
    expect(ok.statusCode).toBe(200);
  });

  it('a path Fastify cannot route, a path id too long: TAXII errors', async () => {
    expectTaxiiError(await get('cert-writer', `${ROOT}collections/%E0%A4%A/objects/`), 400);
    expectTaxiiError(await get('cert-writer', `${ROOT}collections/${'a'.repeat(300)}/objects/`), 404);
    expectTaxiiError(await get('cert-writer', `${OBJECTS}${'x'.repeat(300)}/`), 404);
  });

  it('malformed bodies, parameters and methods', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const cases: Array<[InjectOptions & { url: string }, number]> = [
      [{ method: 'POST', url: OBJECTS, payload: 'null' }, 422],
      [{ method: 'POST', url: OBJECTS, payload: '[]' }, 422],
      [{ method: 'POST', url: OBJECTS, payload: '"objects"' }, 422],
      [{ method: 'POST', url: OBJECTS, payload: '{"objects":{}}' }, 422],
      [{ method: 'POST', url: OBJECTS, payload: '{"objects":' }, 400],
      [{ method: 'POST', url: OBJECTS, payload: '' }, 400],
      [{ method: 'POST', url: OBJECTS, payload: '\u0000\u0001' }, 400],
      [{ method: 'POST', url: OBJECTS, payload: `{"objects":${deep}}` }, 202],
      [{ method: 'POST', url: OBJECTS, payload: '{}', headers: { 'content-type': 'text/plain' } }, 415],
      [{ method: 'POST', url: OBJECTS, payload: '{}', headers: { 'content-type': '' } }, 415],
      [{ method: 'PUT', url: OBJECTS, payload: '{}' }, 404],
      [{ url: `${OBJECTS}?limit=1&limit=2` }, 400],
      [{ url: `${OBJECTS}?limit=1e3` }, 400],
      [{ url: `${OBJECTS}?limit=${'9'.repeat(400)}` }, 400],
      [{ url: `${OBJECTS}?added_after=${'9'.repeat(400)}` }, 400],
      [{ url: `${OBJECTS}?added_after=2026-02-30T00:00:00Z` }, 400],
      [{ url: `${OBJECTS}?next=${'k1.'.repeat(100)}` }, 400],
      [{ url: `${OBJECTS}?match[version]=last,${'1'.repeat(300)}` }, 400],
      [{ url: `${OBJECTS}?match[type]=%00` }, 400],
      [{ url: `${OBJECTS}?match[id]=indicator--${uuid(1)}%00` }, 400],
      [{ url: `${ROOT}status/${'%2e'.repeat(10)}/` }, 404],
    ];
    for (const [o, status] of cases) {
      const r = await call(app, 'cert-writer', {
        ...o,
        headers: { 'content-type': TAXII_MEDIA_TYPE, ...(o.headers as Record<string, string>) },
      });
      if (status === 202) {
        expect(r.statusCode, `${o.method} ${o.url.slice(0, 80)}`).toBe(202);
        expect(body(r).failure_count).toBe(1);
      } else expectTaxiiError(r, status);
    }
  });

  it('over loopback HTTP: headers too large (431) and a chunked body above max_content_length (413)', async () => {
    const live = await makeApp();
    const address = await live.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const raw = (headers: Record<string, string>, payload?: string) =>
      new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
        const rq = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: payload ? 'POST' : 'GET',
            path: OBJECTS,
            headers,
            timeout: 10_000,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => {
              text += d;
            });
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: text }),
            );
          },
        );
        rq.on('error', reject);
        rq.on('timeout', () => rq.destroy(new Error('no answer within 10 s')));
        if (payload) {
          // no Content-Length: the body arrives chunked, so only the parser's limit can stop it
          for (let i = 0; i < payload.length; i += 4096) rq.write(payload.slice(i, i + 4096));
        }
        rq.end();
      });
    const huge = await raw({
      accept: TAXII_MEDIA_TYPE,
      authorization: auth('cert-writer'),
      'x-pad': 'x'.repeat(20_000),
    });
    expect(huge.status).toBe(431);
    expect(huge.type).toBe(TAXII_MEDIA_TYPE);
    expect(JSON.parse(huge.body)).toMatchObject({ http_status: '431' });
    const big = JSON.stringify({ objects: [{ ...amber, description: 'x'.repeat(20 * 1024) }] });
    const chunked = await raw(
      { accept: TAXII_MEDIA_TYPE, authorization: auth('cert-writer'), 'content-type': TAXII_MEDIA_TYPE },
      big,
    );
    expect(chunked.status).toBe(413);
    expect(chunked.type).toBe(TAXII_MEDIA_TYPE);
    expect(JSON.parse(chunked.body)).toMatchObject({ http_status: '413' });
  });
});

describe('failed logins: a burst is limited like a sequence', () => {
  it(`of ${MAX_FAILURES * 5} wrong guesses sent at once, at most ${MAX_FAILURES} are checked`, async () => {
    const guesses = await Promise.all(
      Array.from({ length: MAX_FAILURES * 5 }, (_, i) =>
        app.inject({
          url: ROOT,
          headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('cert-burst', `guess-${i}`) },
          remoteAddress: '10.77.0.1',
        }),
      ),
    );
    const codes = guesses.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(MAX_FAILURES);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(MAX_FAILURES * 4);
    for (const r of guesses) expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
  });

  it('failing under a partner’s name does not lock out the partner while it is logged in', async () => {
    const p = await partners.add({
      name: 'cert-target',
      country: 'XX',
      agreement: { read: [K], write: [], maxTlp: 'GREEN', mayShareOnward: false },
    });
    const used = await partners.addCredential({ kind: 'basic', partner: 'cert-target' });
    const unused = await partners.addCredential({ kind: 'basic', partner: 'cert-target' });
    if (!p.ok || !used.ok || !unused.ok) throw new Error('cert-target');
    const from = (ip: string, password: string) =>
      app.inject({
        url: ROOT,
        headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('cert-target', password) },
        remoteAddress: ip,
      });
    expect((await from('10.88.0.1', used.value.secret)).statusCode).toBe(200);
    for (let i = 0; i < MAX_FAILURES; i++) expectTaxiiError(await from('10.88.0.2', `guess-${i}`), 401);
    // the name is limited: guesses from anywhere, and a password not used lately, wait
    expectTaxiiError(await from('10.88.0.3', 'guess-x'), 429);
    expectTaxiiError(await from('10.88.0.3', unused.value.secret), 429);
    // the partner that just logged in with its password goes on, even from the attacker's address
    expect((await from('10.88.0.1', used.value.secret)).statusCode).toBe(200);
    expect((await from('10.88.0.2', used.value.secret)).statusCode).toBe(200);
    // and a revocation still applies at once
    await partners.revokeCredential(used.value.info.id);
    expectTaxiiError(await from('10.88.0.1', used.value.secret), 401);
  });

  it('an IPv6 client counts by its /64; IPv4-mapped addresses as IPv4', async () => {
    const fail = (ip: string, user: string) =>
      app.inject({
        url: ROOT,
        headers: { accept: TAXII_MEDIA_TYPE, authorization: basic(user, 'wrong') },
        remoteAddress: ip,
      });
    // a different (unknown) username each time, so only the address is limited
    for (let i = 0; i < MAX_FAILURES; i++)
      expectTaxiiError(await fail(`2001:db8:77::${i + 1}`, `nobody-${i}`), 401);
    expectTaxiiError(await fail('2001:db8:77::ffff', 'nobody-x'), 429);
    expectTaxiiError(await fail('2001:db8:77:1::1', 'nobody-y'), 401);
    expect(clientKey('::ffff:192.0.2.1')).toBe(clientKey('192.0.2.1'));
    expect(clientKey('2001:DB8:0:0:ffff::1')).toBe(clientKey('2001:db8::2'));
  });

  it('behind a trusted reverse proxy, clients are told apart by X-Forwarded-For', async () => {
    const proxied = await buildApp({
      trustProxy: '127.0.0.1',
      taxii: {
        knowledge,
        quarantine: store,
        partners,
        statuses: new SqliteStatusStore(store.db),
        rateLimit: { maxFailures: MAX_FAILURES, windowMs: 60_000, maxKeys: 1000 },
      },
    });
    apps.push(proxied);
    const viaProxy = (client: string, user: string) =>
      proxied.inject({
        url: ROOT,
        headers: {
          accept: TAXII_MEDIA_TYPE,
          authorization: basic(user, 'wrong'),
          'x-forwarded-for': client,
        },
        remoteAddress: '127.0.0.1',
      });
    for (let i = 0; i < MAX_FAILURES; i++) expectTaxiiError(await viaProxy('203.0.113.5', `ghost-${i}`), 401);
    expectTaxiiError(await viaProxy('203.0.113.5', 'ghost-x'), 429);
    // another client of the same proxy is not limited by the first one's failures
    expectTaxiiError(await viaProxy('203.0.113.6', 'ghost-y'), 401);
    // an untrusted peer cannot pick its address with the header
    for (let i = 0; i < MAX_FAILURES; i++)
      await proxied.inject({
        url: ROOT,
        headers: { authorization: basic(`spoof-${i}`, 'x'), 'x-forwarded-for': `198.51.100.${i}` },
        remoteAddress: '192.0.2.99',
      });
    expectTaxiiError(
      await proxied.inject({
        url: ROOT,
        headers: { authorization: basic('spoof-x', 'x'), 'x-forwarded-for': '198.51.100.200' },
        remoteAddress: '192.0.2.99',
      }),
      429,
    );
  });

  it('the same credential on many requests at once is verified once, and every request passes', async () => {
    // a fresh credential: nothing verified yet, so each request would otherwise run scrypt
    const c = await partners.addCredential({ kind: 'basic', partner: 'cert-parallel' });
    if (!c.ok) throw new Error(c.error);
    const rs = await Promise.all(
      Array.from({ length: MAX_FAILURES * 5 }, () =>
        app.inject({
          url: OBJECTS,
          headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('cert-parallel', c.value.secret) },
          remoteAddress: '10.77.0.2',
        }),
      ),
    );
    expect(rs.map((r) => r.statusCode)).toEqual(rs.map(() => 200));
  });
});
