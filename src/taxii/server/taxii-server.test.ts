/**
 * The TAXII 2.1 server through Fastify's inject (and once over real loopback HTTP), on a real SQLite
 * file: every endpoint, header, error code, filter, visibility rule and authentication path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TLP2_MARKING_IDS, type TlpLevel } from '../../domain/tlp.js';
import { scoId } from '../../knowledge/ids.js';
import { KNOWLEDGE_COLLECTION, prepareObject } from '../../knowledge/knowledge-store.js';
import { type StixObject, stixTime } from '../../knowledge/stix.js';
import type { SharingAgreement } from '../../partners/partner.js';
import { buildApp } from '../../server/app.js';
import { SqliteKnowledgeStore } from '../../storage/knowledge/sqlite-knowledge-store.js';
import { SqlitePartnerStore } from '../../storage/partners/sqlite-partner-store.js';
import { openSqliteStore, type SqliteStore } from '../../storage/sqlite/sqlite-store.js';
import { SqliteStatusStore } from '../../storage/taxii/sqlite-status-store.js';
import { TAXII_MEDIA_TYPE } from './media.js';
import { API_ROOT_PATH } from './taxii-plugin.js';

const dir = mkdtempSync(join(tmpdir(), 'accord-taxii-'));
const ROOT = API_ROOT_PATH;
const K = KNOWLEDGE_COLLECTION;
const OBJECTS = `${ROOT}collections/${K}/objects/`;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const indicator = (
  n: number,
  tlp: TlpLevel | undefined,
  modified = '2026-10-01T00:00:00.000Z',
): StixObject => ({
  type: 'indicator',
  spec_version: '2.1',
  id: `indicator--${uuid(n)}`,
  created: '2026-10-01T00:00:00.000Z',
  modified,
  pattern: `[ipv4-addr:value = '203.0.113.${n}']`,
  pattern_type: 'stix',
  valid_from: '2026-10-01T00:00:00Z',
  ...(tlp ? { object_marking_refs: [TLP2_MARKING_IDS[tlp]] } : {}),
});
const sighting: StixObject = {
  type: 'sighting',
  spec_version: '2.1',
  id: `sighting--${uuid(50)}`,
  created: '2026-10-01T00:00:00.000Z',
  modified: '2026-10-01T00:00:00.000Z',
  sighting_of_ref: `indicator--${uuid(1)}`,
  count: 12,
  object_marking_refs: [TLP2_MARKING_IDS.GREEN],
};
const addr: StixObject = {
  type: 'ipv4-addr',
  spec_version: '2.1',
  id: scoId('ipv4-addr', { value: '203.0.113.7' }),
  value: '203.0.113.7',
  object_marking_refs: [TLP2_MARKING_IDS.CLEAR],
};
const malware = (modified: string): StixObject => ({
  type: 'malware',
  spec_version: '2.1',
  id: `malware--${uuid(60)}`,
  created: '2026-09-01T00:00:00.000Z',
  modified,
  name: 'emotet',
  is_family: true,
  object_marking_refs: [TLP2_MARKING_IDS.GREEN],
});
const M1 = '2026-09-01T00:00:00.000Z';
const M2 = '2026-10-05T00:00:00.000Z';

const agreement = (a: Partial<SharingAgreement>): SharingAgreement => ({
  read: [K],
  write: [],
  maxTlp: 'AMBER+STRICT',
  mayShareOnward: false,
  ...a,
});

let store: SqliteStore;
let partners: SqlitePartnerStore;
let knowledge: SqliteKnowledgeStore;
let app: FastifyInstance;
let clock = Date.UTC(2026, 10, 1, 12);
const secrets: Record<string, string> = {};

const basic = (user: string, pw: string) => `Basic ${Buffer.from(`${user}:${pw}`).toString('base64')}`;
const as = (who: string) =>
  who === 'admin'
    ? `Bearer ${secrets.admin}`
    : who.endsWith(':key')
      ? `Bearer ${secrets[who]}`
      : basic(who, secrets[who] as string);

async function req(who: string | undefined, o: InjectOptions & { url: string }) {
  const headers: Record<string, string> = {
    accept: TAXII_MEDIA_TYPE,
    ...(o.headers as Record<string, string>),
  };
  if (who !== undefined) headers.authorization = as(who);
  return app.inject({ method: 'GET', ...o, headers });
}
const get = (who: string | undefined, url: string, headers: Record<string, string> = {}) =>
  req(who, { url, headers });
const body = (r: { body: string }) => JSON.parse(r.body) as Record<string, unknown>;
const ids = (r: { body: string }) => ((body(r).objects ?? []) as Array<{ id: string }>).map((o) => o.id);

function expectTaxiiError(
  r: { statusCode: number; headers: Record<string, unknown>; body: string },
  status: number,
) {
  expect(r.statusCode).toBe(status);
  expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
  const b = body(r);
  expect(b.http_status).toBe(String(status));
  expect(typeof b.title).toBe('string');
  expect(typeof b.description).toBe('string');
}

const seeded: Record<string, StixObject> = {
  excludedFirst: sighting,
  clear: indicator(1, 'CLEAR'),
  green: indicator(2, 'GREEN'),
  amber: indicator(3, 'AMBER'),
  strict: indicator(4, 'AMBER+STRICT'),
  unmarked: indicator(5, undefined),
  addr,
  m1: malware(M1),
  m2: malware(M2),
  red: indicator(6, 'RED'),
};

beforeAll(async () => {
  store = openSqliteStore(join(dir, 'taxii.db'));
  knowledge = new SqliteKnowledgeStore(store.db, () => clock);
  partners = new SqlitePartnerStore(store.db);
  // one object per millisecond, in this order: the sighting first and RED last, so that the
  // date_added headers of a partner that may not see them must differ from the store's
  for (const o of Object.values(seeded)) {
    clock += 1;
    await knowledge.put(K, [prepareObject(o)]);
  }
  const add = async (name: string, a: SharingAgreement) => {
    const p = await partners.add({ name, country: 'XX', agreement: a });
    if (!p.ok) throw new Error(p.error);
    const c = await partners.addCredential({ kind: 'basic', partner: name });
    if (!c.ok) throw new Error(c.error);
    secrets[name] = c.value.secret;
  };
  await add('cert-strict', agreement({ excludeTypes: ['sighting'] }));
  await add('cert-onward', agreement({ mayShareOnward: true }));
  await add('cert-green', agreement({ maxTlp: 'GREEN', includeTypes: ['indicator', 'ipv4-addr'] }));
  await add('cert-inbox', agreement({ read: [] }));
  await add('cert-victim', agreement({}));
  const key = await partners.addCredential({ kind: 'api-key', partner: 'cert-strict' });
  const admin = await partners.addCredential({ kind: 'api-key' });
  if (!key.ok || !admin.ok) throw new Error('credentials');
  secrets['cert-strict:key'] = key.value.secret;
  secrets.admin = admin.value.secret;
  app = await buildApp({
    taxii: {
      knowledge,
      quarantine: store,
      partners,
      statuses: new SqliteStatusStore(store.db),
      maxContentLength: 64 * 1024,
      rateLimit: { maxFailures: 3, windowMs: 60_000, maxKeys: 100 },
      now: () => clock,
    },
  });
});

afterAll(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('TAXII 2.1 server: discovery, API root, media types', () => {
  it('serves discovery and the API root with the TAXII media type', async () => {
    const d = await get('cert-strict', '/taxii2/');
    expect(d.statusCode).toBe(200);
    expect(d.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    const base = `http://localhost:80${ROOT}`;
    expect(body(d)).toMatchObject({ default: base, api_roots: [base] });
    const r = await get('cert-strict', ROOT);
    expect(r.statusCode).toBe(200);
    expect(body(r)).toMatchObject({ versions: [TAXII_MEDIA_TYPE], max_content_length: 64 * 1024 });
  });

  it('answers 406 to an Accept without TAXII 2.1, and takes */* or no Accept', async () => {
    expectTaxiiError(await get('cert-strict', ROOT, { accept: 'application/json' }), 406);
    expectTaxiiError(await get('cert-strict', ROOT, { accept: 'application/taxii+json;version=2.0' }), 406);
    expect((await get('cert-strict', ROOT, { accept: '*/*' })).statusCode).toBe(200);
    expect((await get('cert-strict', ROOT, { accept: 'application/taxii+json' })).statusCode).toBe(200);
    expect((await app.inject({ url: ROOT, headers: { authorization: as('cert-strict') } })).statusCode).toBe(
      200,
    );
  });

  it('answers an unknown path with a TAXII 404, after authentication', async () => {
    expectTaxiiError(await get('cert-strict', `${ROOT}nothing/here/`), 404);
    expectTaxiiError(await get(undefined, `${ROOT}nothing/here/`), 401);
  });
});

describe('TAXII 2.1 server: authentication', () => {
  it('401 with WWW-Authenticate without credentials or with wrong ones; basic and bearer work', async () => {
    const none = await get(undefined, '/taxii2/');
    expectTaxiiError(none, 401);
    expect(String(none.headers['www-authenticate'])).toMatch(/Basic realm=/);
    const wrong = await app.inject({
      url: ROOT,
      headers: { accept: TAXII_MEDIA_TYPE, authorization: basic('cert-onward', 'wrong') },
      remoteAddress: '10.0.0.1',
    });
    expectTaxiiError(wrong, 401);
    expect((await get('cert-strict:key', ROOT)).statusCode).toBe(200);
    expect((await get('admin', ROOT)).statusCode).toBe(200);
    expectTaxiiError(
      await app.inject({ url: ROOT, headers: { authorization: 'Bearer accord.0123456789abcdef.nope' } }),
      401,
    );
  });

  it('refuses a revoked credential and a revoked partner at once', async () => {
    const p = await partners.add({ name: 'cert-gone', country: 'XX', agreement: agreement({}) });
    expect(p.ok).toBe(true);
    const pw = await partners.addCredential({ kind: 'basic', partner: 'cert-gone' });
    const key = await partners.addCredential({ kind: 'api-key', partner: 'cert-gone' });
    if (!pw.ok || !key.ok) throw new Error('credentials');
    const withPw = { accept: TAXII_MEDIA_TYPE, authorization: basic('cert-gone', pw.value.secret) };
    const withKey = { accept: TAXII_MEDIA_TYPE, authorization: `Bearer ${key.value.secret}` };
    expect((await app.inject({ url: OBJECTS, headers: withPw })).statusCode).toBe(200);
    expect((await app.inject({ url: OBJECTS, headers: withKey })).statusCode).toBe(200);
    await partners.revokeCredential(pw.value.info.id);
    expectTaxiiError(await app.inject({ url: OBJECTS, headers: withPw }), 401);
    expect((await app.inject({ url: OBJECTS, headers: withKey })).statusCode).toBe(200);
    await partners.revoke('cert-gone');
    expectTaxiiError(await app.inject({ url: OBJECTS, headers: withKey }), 401);
  });

  it('limits failed logins per address and per username with 429 and Retry-After', async () => {
    const attempt = (ip: string, auth: string) =>
      app.inject({
        url: ROOT,
        headers: { accept: TAXII_MEDIA_TYPE, authorization: auth },
        remoteAddress: ip,
      });
    for (let i = 0; i < 3; i++)
      expectTaxiiError(await attempt('10.9.9.9', basic('cert-victim', `guess${i}`)), 401);
    // the right password no longer helps from that address or for that user
    const limited = await attempt('10.9.9.9', basic('cert-victim', secrets['cert-victim'] as string));
    expectTaxiiError(limited, 429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expectTaxiiError(await attempt('10.8.8.8', basic('cert-victim', secrets['cert-victim'] as string)), 429);
    // another user from another address is not affected
    expect((await attempt('10.8.8.8', basic('cert-green', secrets['cert-green'] as string))).statusCode).toBe(
      200,
    );
    // the window passes
    clock += 61_000;
    expect(
      (await attempt('10.9.9.9', basic('cert-victim', secrets['cert-victim'] as string))).statusCode,
    ).toBe(200);
  });
});

describe('TAXII 2.1 server: collections', () => {
  it('a partner sees the collections its agreement names and its inbox; others are 404', async () => {
    const inbox = (await partners.get('cert-inbox'))?.inboxCollection as string;
    const strictInbox = (await partners.get('cert-strict'))?.inboxCollection as string;
    const r = await get('cert-strict', `${ROOT}collections/`);
    expect(r.statusCode).toBe(200);
    const cs = body(r).collections as Array<Record<string, unknown>>;
    expect(cs.map((c) => [c.id, c.can_read, c.can_write])).toEqual([
      [K, true, false],
      [strictInbox, true, true],
    ]);
    expect(cs[0]?.media_types).toEqual(['application/stix+json;version=2.1']);
    const only = body(await get('cert-inbox', `${ROOT}collections/`)).collections as Array<{ id: string }>;
    expect(only.map((c) => c.id)).toEqual([inbox]);
    expect(body(await get('cert-inbox', `${ROOT}collections/${inbox}/`))).toMatchObject({
      id: inbox,
      can_read: true,
      can_write: true,
    });
    expectTaxiiError(await get('cert-inbox', `${ROOT}collections/${K}/`), 404);
    expectTaxiiError(await get('cert-inbox', `${ROOT}collections/${K}/objects/`), 404);
    expectTaxiiError(await get('cert-strict', `${ROOT}collections/${inbox}/objects/`), 404);
    const all = body(await get('admin', `${ROOT}collections/`)).collections as Array<{ id: string }>;
    expect(all.map((c) => c.id)).toEqual(expect.arrayContaining([K, inbox, strictInbox]));
  });
});

describe('TAXII 2.1 server: what each partner sees', () => {
  const visibleTo = async (who: string) => ids(await get(who, `${OBJECTS}?limit=100`));

  it('RED never; AMBER+STRICT not to a partner that shares onward; excluded and non-included types never', async () => {
    const s = seeded;
    expect(await visibleTo('cert-strict')).toEqual([
      s.clear?.id,
      s.green?.id,
      s.amber?.id,
      s.strict?.id,
      s.unmarked?.id,
      s.addr?.id,
      s.m2?.id,
    ]);
    expect(await visibleTo('cert-onward')).toEqual([
      s.excludedFirst?.id,
      s.clear?.id,
      s.green?.id,
      s.amber?.id,
      s.unmarked?.id,
      s.addr?.id,
      s.m2?.id,
    ]);
    expect(await visibleTo('cert-green')).toEqual([s.clear?.id, s.green?.id, s.addr?.id]);
    // the operator reads through the release policy too: everything but RED (TLP:RED never goes
    // through a collection, not even to us)
    const admin = await visibleTo('admin');
    expect(admin).not.toContain(s.red?.id);
    expect(admin).toHaveLength(8);
  });

  it('the manifest counts and the date_added headers only reflect visible objects', async () => {
    const everything = await knowledge.list(K, {}, { limit: 100 });
    if (!everything.ok) throw new Error(everything.error);
    const strict = await get('cert-strict', `${OBJECTS}?limit=100`);
    const manifest = await get('cert-strict', `${ROOT}collections/${K}/manifest/?limit=100`);
    const entries = body(manifest).objects as Array<{ id: string; date_added: string; version: string }>;
    expect(entries.map((e) => e.id)).toEqual(ids(strict));
    expect(manifest.headers['x-taxii-date-added-first']).toBe(entries[0]?.date_added);
    expect(manifest.headers['x-taxii-date-added-last']).toBe(entries[entries.length - 1]?.date_added);
    expect(strict.headers['x-taxii-date-added-first']).toBe(entries[0]?.date_added);
    expect(strict.headers['x-taxii-date-added-last']).toBe(entries[entries.length - 1]?.date_added);
    // the stored page starts with the sighting and ends with RED: the partner's must not
    expect(stixTime(everything.value.dateAddedFirst as number)).not.toBe(
      strict.headers['x-taxii-date-added-first'],
    );
    expect(stixTime(everything.value.dateAddedLast as number)).not.toBe(
      strict.headers['x-taxii-date-added-last'],
    );
    // match[type] cannot widen an agreement's included types
    expect(ids(await get('cert-green', `${OBJECTS}?match[type]=malware,sighting`))).toEqual([]);
    expect(ids(await get('cert-strict', `${OBJECTS}?match[type]=sighting`))).toEqual([]);
  });

  it('one object, its versions: 404 for what the partner may not see', async () => {
    const red = seeded.red?.id as string;
    expectTaxiiError(await get('cert-strict', `${OBJECTS}${red}/`), 404);
    expectTaxiiError(await get('cert-strict', `${OBJECTS}${red}/versions/`), 404);
    expectTaxiiError(await get('admin', `${OBJECTS}${red}/`), 404);
    expectTaxiiError(await get('cert-onward', `${OBJECTS}${seeded.strict?.id}/`), 404);
    expectTaxiiError(await get('cert-strict', `${OBJECTS}${seeded.excludedFirst?.id}/`), 404);
    expectTaxiiError(await get('cert-strict', `${OBJECTS}indicator--${uuid(999)}/`), 404);
    expectTaxiiError(await get('cert-strict', `${OBJECTS}not-an-id/`), 404);
  });
});

describe('TAXII 2.1 server: objects, filters and pagination', () => {
  const mid = `malware--${uuid(60)}`;

  it('pages with limit, next and more until the end, each page with its headers', async () => {
    const all = ids(await get('cert-strict', `${OBJECTS}?limit=100`));
    const seen: string[] = [];
    let url = `${OBJECTS}?limit=2`;
    for (let i = 0; i < 20; i++) {
      const r = await get('cert-strict', url);
      expect(r.statusCode).toBe(200);
      const b = body(r);
      const page = (b.objects as Array<{ id: string }>).map((o) => o.id);
      expect(page.length).toBeGreaterThan(0);
      expect(r.headers['x-taxii-date-added-first']).toBeDefined();
      seen.push(...page);
      if (b.more !== true) {
        expect(b.next).toBeUndefined();
        break;
      }
      expect(page).toHaveLength(2);
      url = `${OBJECTS}?limit=2&next=${encodeURIComponent(b.next as string)}`;
    }
    expect(seen).toEqual(all);
  });

  it('added_after, match[id], match[type], match[version], match[spec_version]', async () => {
    const m = await get('cert-strict', `${ROOT}collections/${K}/manifest/?limit=100`);
    const entries = body(m).objects as Array<{ id: string; date_added: string }>;
    const third = entries[2] as { date_added: string };
    expect(ids(await get('cert-strict', `${OBJECTS}?added_after=${third.date_added}`))).toEqual(
      entries.slice(3).map((e) => e.id),
    );
    expect(ids(await get('cert-strict', `${OBJECTS}?match[id]=${mid},${seeded.red?.id}`))).toEqual([mid]);
    expect(ids(await get('cert-strict', `${OBJECTS}?match[type]=ipv4-addr&match[type]=malware`))).toEqual([
      seeded.addr?.id,
      mid,
    ]);
    const version = async (v: string) =>
      (
        (body(await get('cert-strict', `${OBJECTS}${mid}/?match[version]=${v}`)).objects ?? []) as Array<{
          modified: string;
        }>
      ).map((o) => o.modified);
    expect(await version('last')).toEqual([M2]);
    expect(await version('first')).toEqual([M1]);
    expect(await version('all')).toEqual([M1, M2]);
    expect(await version(M1)).toEqual([M1]);
    expect(await version('2020-01-01T00:00:00Z')).toEqual([]);
    const v = await get('cert-strict', `${OBJECTS}${mid}/versions/`);
    expect(body(v)).toEqual({ more: false, versions: [M1, M2] });
    expect(v.headers['x-taxii-date-added-first']).toBeDefined();
    expect(ids(await get('cert-strict', `${OBJECTS}?match[spec_version]=2.0`))).toEqual([]);
    expect(ids(await get('cert-strict', `${OBJECTS}?match[spec_version]=2.1&match[type]=malware`))).toEqual([
      mid,
    ]);
    const manifestAll = body(
      await get('cert-strict', `${ROOT}collections/${K}/manifest/?match[id]=${mid}&match[version]=all`),
    );
    expect(
      (manifestAll.objects as Array<{ version: string; media_type: string }>).map((e) => e.version),
    ).toEqual([M1, M2]);
  });

  it('answers 400 to filters it cannot read', async () => {
    for (const q of [
      'limit=0',
      'limit=abc',
      'limit=-5',
      'added_after=yesterday',
      'match[version]=newest',
      'match[type]=Not_A_Type',
      'match[id]=indicator--x',
      'match[spec_version]=two',
      'next=garbage',
    ])
      expectTaxiiError(await get('cert-strict', `${OBJECTS}?${q}`), 400);
  });

  it('an empty result is an envelope without objects and without date headers', async () => {
    const r = await get('cert-strict', `${OBJECTS}?added_after=2099-01-01T00:00:00Z`);
    expect(r.statusCode).toBe(200);
    expect(body(r)).toEqual({ more: false });
    expect(r.headers['x-taxii-date-added-first']).toBeUndefined();
  });
});

describe('TAXII 2.1 server: POST, status, DELETE', () => {
  const post = (who: string, collection: string, payload: string, headers: Record<string, string> = {}) =>
    req(who, {
      method: 'POST',
      url: `${ROOT}collections/${collection}/objects/`,
      payload,
      headers: { 'content-type': TAXII_MEDIA_TYPE, ...headers },
    });

  it('takes objects into the inbox; invalid ones fail in the status and go to quarantine', async () => {
    const inbox = (await partners.get('cert-inbox'))?.inboxCollection as string;
    const good = indicator(100, 'AMBER');
    const bad = { type: 'indicator', spec_version: '2.1', id: `indicator--${uuid(101)}`, created: 'nope' };
    const r = await post('cert-inbox', inbox, JSON.stringify({ objects: [good, bad] }));
    expect(r.statusCode).toBe(202);
    expect(r.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    const s = body(r);
    expect(s).toMatchObject({
      status: 'complete',
      total_count: 2,
      success_count: 1,
      failure_count: 1,
      pending_count: 0,
    });
    expect(s.successes).toEqual([{ id: good.id, version: good.modified, message: 'stored' }]);
    expect((s.failures as Array<{ id: string; message: string }>)[0]).toMatchObject({ id: bad.id });
    expect((s.failures as Array<{ message: string }>)[0]?.message).toMatch(/object 2: .*created/);
    const q = await store.listQuarantine({ feed: 'taxii:cert-inbox' });
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ format: 'stix', line: 2 });
    // the status is kept for its owner only
    const st = await get('cert-inbox', `${ROOT}status/${s.id}/`);
    expect(st.statusCode).toBe(200);
    expect(body(st)).toEqual(s);
    expectTaxiiError(await get('cert-strict', `${ROOT}status/${s.id}/`), 404);
    // the partner reads its inbox back; posting the same object again is a success, not an error
    expect(ids(await get('cert-inbox', `${ROOT}collections/${inbox}/objects/`))).toEqual([good.id]);
    const again = body(await post('cert-inbox', inbox, JSON.stringify({ objects: [good] })));
    expect(again).toMatchObject({ success_count: 1, failure_count: 0 });
    expect(again.successes).toEqual([{ id: good.id, version: good.modified, message: 'stored' }]);
  });

  it('403 to write a read-only collection, 404 to an unknown one, 415, 413, 400 and 422', async () => {
    const inbox = (await partners.get('cert-strict'))?.inboxCollection as string;
    const one = JSON.stringify({ objects: [indicator(200, 'GREEN')] });
    expectTaxiiError(await post('cert-strict', K, one), 403);
    expectTaxiiError(
      await post('cert-strict', (await partners.get('cert-inbox'))?.inboxCollection as string, one),
      404,
    );
    expectTaxiiError(await post('cert-strict', inbox, one, { 'content-type': 'application/json' }), 415);
    expectTaxiiError(
      await post('cert-strict', inbox, one, { 'content-type': 'application/taxii+json;version=2.0' }),
      415,
    );
    const big = JSON.stringify({
      objects: [{ ...indicator(201, 'GREEN'), description: 'x'.repeat(70 * 1024) }],
    });
    expectTaxiiError(await post('cert-strict', inbox, big), 413);
    expectTaxiiError(await post('cert-strict', inbox, '{not json'), 400);
    expectTaxiiError(await post('cert-strict', inbox, JSON.stringify(indicator(202, 'GREEN'))), 422);
    expect((await post('admin', K, one)).statusCode).toBe(202);
  });

  it('DELETE needs read and write; removes the versions asked for; 404 after', async () => {
    const inbox = (await partners.get('cert-strict'))?.inboxCollection as string;
    const o = indicator(300, 'GREEN');
    const o2 = indicator(300, 'GREEN', '2026-10-09T00:00:00.000Z');
    expect((await post('cert-strict', inbox, JSON.stringify({ objects: [o, o2] }))).statusCode).toBe(202);
    const url = `${ROOT}collections/${inbox}/objects/${o.id}/`;
    const del = await req('cert-strict', { method: 'DELETE', url: `${url}?match[version]=first` });
    expect(del.statusCode).toBe(200);
    expect(del.headers['content-type']).toBe(TAXII_MEDIA_TYPE);
    expect(body(await get('cert-strict', `${url}versions/`))).toEqual({
      more: false,
      versions: [o2.modified],
    });
    expect((await req('cert-strict', { method: 'DELETE', url })).statusCode).toBe(200);
    expectTaxiiError(await get('cert-strict', url), 404);
    expectTaxiiError(await req('cert-strict', { method: 'DELETE', url }), 404);
    expectTaxiiError(
      await req('cert-strict', { method: 'DELETE', url: `${OBJECTS}${seeded.clear?.id}/` }),
      403,
    );
    // a partner cannot delete (or learn of) what it may not see, even with write access
    const red = seeded.red?.id as string;
    await partners.updateAgreement('cert-victim', agreement({ write: [K] }));
    expectTaxiiError(await req('cert-victim', { method: 'DELETE', url: `${OBJECTS}${red}/` }), 404);
    expect((await knowledge.latest(K, red))?.id).toBe(red);
  });
});

describe('TAXII 2.1 server over loopback HTTP', () => {
  it('serves a real client on 127.0.0.1', async () => {
    const { sqliteTaxiiOptions } = await import('../../server/sqlite-taxii.js');
    const live = await buildApp({ taxii: sqliteTaxiiOptions(store) });
    try {
      const address = await live.listen({ host: '127.0.0.1', port: 0 });
      const headers = { accept: TAXII_MEDIA_TYPE, authorization: as('cert-green') };
      const d = await fetch(`${address}/taxii2/`, { headers, signal: AbortSignal.timeout(10_000) });
      expect(d.status).toBe(200);
      expect(d.headers.get('content-type')).toBe(TAXII_MEDIA_TYPE);
      const discovery = (await d.json()) as { api_roots: string[] };
      expect(discovery.api_roots).toEqual([`${address}${ROOT}`]);
      const r = await fetch(`${discovery.api_roots[0]}collections/${K}/objects/?limit=2`, {
        headers,
        signal: AbortSignal.timeout(10_000),
      });
      expect(r.status).toBe(200);
      const page = (await r.json()) as { more: boolean; objects: Array<{ id: string }> };
      expect(page.objects.map((o) => o.id)).toEqual([seeded.clear?.id, seeded.green?.id]);
      expect(page.more).toBe(true);
      expect(r.headers.get('x-taxii-date-added-last')).toMatch(/^2026-11-01T12:00:00\.\d{3}Z$/);
    } finally {
      await live.close();
    }
  });
});
