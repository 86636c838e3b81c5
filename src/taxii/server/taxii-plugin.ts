/**
 * The TAXII 2.1 server as a Fastify plugin (register it with { prefix: TAXII_PREFIX }): discovery,
 * one API root, collections, objects (GET, POST, one object, its versions, DELETE), manifest and
 * status. Every response in its scope, errors included, is `application/taxii+json;version=2.1`.
 *
 * Order of checks on every request: authentication (401 with WWW-Authenticate, 429 when failed
 * attempts are being limited), Accept (406); then, for a POST, Content-Type (415) and size (413,
 * above the max_content_length the API root advertises); then the collection: unknown to the
 * principal 404, known but not readable/writable 403; then the URL parameters (400).
 *
 * What a partner sees is filtered in the store's query (see access.ts): listings, `more`, the
 * X-TAXII-Date-Added-First/Last headers and 404s only ever reflect objects it may receive.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { mayRelease, type TlpLevel } from '../../domain/tlp.js';
import { readStixDocument } from '../../knowledge/import.js';
import type { KnowledgeFilter, KnowledgeStore, Page, StoredObject } from '../../knowledge/knowledge-store.js';
import { IDENTIFIER, isRecord, STIX_MEDIA_TYPE, stixTime } from '../../knowledge/stix.js';
import type { PartnerStore, Principal } from '../../partners/partner-store.js';
import type { QuarantineInput, Store } from '../../storage/store.js';
import {
  type CollectionInfo,
  collectionsFor,
  ownerOf,
  recipientOf,
  typeAllowed,
  visibilityFilter,
  withTypes,
} from './access.js';
import { AuthMemory, authenticate, CHALLENGES } from './auth.js';
import { sendError } from './errors.js';
import { acceptsTaxii, isTaxiiContentType, TAXII_MEDIA_TYPE } from './media.js';
import { type Accepts, parseQuery, type Query } from './query.js';
import { DEFAULT_RATE_LIMIT, FailureLimiter, type RateLimitOptions } from './rate-limit.js';
import type { StatusDetail, StatusStore, TaxiiStatus } from './status-store.js';

/** Where the TAXII server lives: discovery at /taxii2/, our one API root at /taxii2/accord/. */
export const TAXII_PREFIX = '/taxii2';
export const API_ROOT_NAME = 'accord';
export const API_ROOT_PATH = `${TAXII_PREFIX}/${API_ROOT_NAME}/`;

export const DEFAULT_MAX_CONTENT_LENGTH = 10 * 1024 * 1024;

export interface TaxiiServerOptions {
  readonly knowledge: KnowledgeStore;
  /** Where invalid posted objects go (the main store's quarantine). */
  readonly quarantine: Pick<Store, 'writeBatch'>;
  readonly partners: PartnerStore;
  readonly statuses: StatusStore;
  readonly title?: string;
  readonly description?: string;
  readonly contact?: string;
  /** Largest POST body accepted, advertised as the API root's max_content_length. */
  readonly maxContentLength?: number;
  /** What an object without a TLP marking counts as (default AMBER). */
  readonly defaultTlp?: TlpLevel;
  readonly rateLimit?: RateLimitOptions;
  readonly now?: () => number;
}

declare module 'fastify' {
  interface FastifyRequest {
    taxiiPrincipal: Principal | null;
  }
}

const principalOf = (req: FastifyRequest): Principal => req.taxiiPrincipal as Principal;

function envelope(more: boolean, next: string | undefined, key: string, items: readonly string[]): string {
  let s = `{"more":${more}`;
  if (next !== undefined) s += `,"next":${JSON.stringify(next)}`;
  if (items.length > 0) s += `,"${key}":[${items.join(',')}]`;
  return `${s}}`;
}

function pageHeaders(reply: FastifyReply, page: Page<unknown>): void {
  if (page.dateAddedFirst !== undefined)
    reply.header('X-TAXII-Date-Added-First', stixTime(page.dateAddedFirst));
  if (page.dateAddedLast !== undefined) reply.header('X-TAXII-Date-Added-Last', stixTime(page.dateAddedLast));
}

const MAX_RAW = 64 * 1024;
const PUT_BATCH = 5000;

export async function taxiiPlugin(app: FastifyInstance, o: TaxiiServerOptions): Promise<void> {
  const now = o.now ?? Date.now;
  const maxContentLength = o.maxContentLength ?? DEFAULT_MAX_CONTENT_LENGTH;
  const limiter = new FailureLimiter(o.rateLimit ?? DEFAULT_RATE_LIMIT, now);
  const authMemory = new AuthMemory(now);
  const release = o.defaultTlp ? { defaultTlp: o.defaultTlp } : {};

  app.decorateRequest('taxiiPrincipal', null);

  // Bodies are read as text (so posted objects keep their exact JSON) whatever their type; the
  // type is checked in preParsing, before anything is read.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: maxContentLength }, (_req, body, done) =>
    done(null, body),
  );

  app.addHook('onRequest', async (req, reply) => {
    const auth = await authenticate(req.headers.authorization, req.ip, o.partners, limiter, authMemory);
    if (!auth.ok) {
      if (auth.status === 429) {
        req.log.warn({ ip: req.ip }, 'taxii: failed logins limited');
        reply.header('Retry-After', String(auth.retryAfter));
        return sendError(reply, 429, `too many failed logins; try again in ${auth.retryAfter} s`);
      }
      if (auth.reason !== 'missing')
        req.log.info({ ip: req.ip, reason: auth.reason }, 'taxii: login refused');
      reply.header('WWW-Authenticate', CHALLENGES);
      return sendError(reply, 401, 'authentication required: HTTP Basic or a bearer API key');
    }
    req.taxiiPrincipal = auth.principal;
    if (!acceptsTaxii(req.headers.accept))
      return sendError(
        reply,
        406,
        `this server answers ${TAXII_MEDIA_TYPE}; the Accept header offers none of it`,
      );
  });

  app.addHook('preParsing', async (req, reply, payload) => {
    if (req.method !== 'POST') return payload;
    if (!isTaxiiContentType(req.headers['content-type']))
      return sendError(
        reply,
        415,
        `POST bodies must be ${TAXII_MEDIA_TYPE}, not ${req.headers['content-type'] ?? 'unspecified'}`,
      );
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length > maxContentLength)
      return sendError(reply, 413, `the body is ${length} bytes; max_content_length is ${maxContentLength}`);
    return payload;
  });

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('content-type', TAXII_MEDIA_TYPE);
    return payload;
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413)
      return sendError(reply, 413, `the body is larger than max_content_length (${maxContentLength} bytes)`);
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || error.statusCode === 415)
      return sendError(reply, 415, `POST bodies must be ${TAXII_MEDIA_TYPE}`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
      return sendError(reply, error.statusCode, error.message);
    req.log.error({ err: error }, 'taxii: internal error');
    return sendError(reply, 500, 'internal error; the server log has the details');
  });

  app.setNotFoundHandler((_req, reply) => sendError(reply, 404, 'no such TAXII resource'));

  /** The collections the asker knows of (partners are read afresh: revocations apply at once). */
  async function collectionsOf(p: Principal): Promise<CollectionInfo[]> {
    const partners = await o.partners.list({ includeRevoked: p.kind === 'admin' });
    return collectionsFor(p, partners);
  }

  /** The collection if the asker may do `need` with it; otherwise replies 404 or 403 and returns undefined. */
  async function collection(
    req: FastifyRequest,
    reply: FastifyReply,
    need: 'read' | 'write' | 'both',
  ): Promise<CollectionInfo | undefined> {
    const id = (req.params as { collection: string }).collection;
    const c = (await collectionsOf(principalOf(req))).find((x) => x.id === id);
    if (!c) {
      sendError(reply, 404, `no collection ${id}`);
      return undefined;
    }
    const allowed = need === 'read' ? c.canRead : need === 'write' ? c.canWrite : c.canRead && c.canWrite;
    if (!allowed) {
      sendError(reply, 403, `you may not ${need === 'both' ? 'read and write' : need} collection ${id}`);
      return undefined;
    }
    return c;
  }

  /** The client's filter within what the asker may see, or replies 400. */
  function filterOf(req: FastifyRequest, reply: FastifyReply, accepts: Accepts) {
    const q = parseQuery(req.query as Query, accepts);
    if (!q.ok) {
      sendError(reply, 400, q.error);
      return undefined;
    }
    const visibility = visibilityFilter(principalOf(req), release);
    const filter: KnowledgeFilter = { ...q.value.filter, ...withTypes(visibility, q.value.filter.types) };
    return { filter, page: q.value.page };
  }

  const objectId = (req: FastifyRequest) => (req.params as { object: string }).object;

  /**
   * The JSON of the objects of a page, each asked of mayRelease (and the agreement's types) once
   * more as it leaves. The store's query already keeps to what the policy allows (so pages, `more`
   * and headers agree with it); this is the egress check itself, so that no store bug can ever
   * release what the policy or the agreement forbids.
   */
  function released(req: FastifyRequest, items: readonly StoredObject[]): string[] {
    const principal = principalOf(req);
    const recipient = recipientOf(principal);
    const out: string[] = [];
    for (const x of items) {
      if (mayRelease(x.markings, recipient, 'taxii', release) && typeAllowed(principal, x.type))
        out.push(x.json);
      else
        req.log.error(
          { id: x.id, version: x.version },
          'taxii: the store offered an object the policy forbids',
        );
    }
    return out;
  }

  /** Whether any version of an object is visible to the asker (404 otherwise). */
  async function visible(req: FastifyRequest, collectionId: string, id: string): Promise<boolean> {
    if (!IDENTIFIER.test(id)) return false;
    const r = await o.knowledge.versions(collectionId, id, visibilityFilter(principalOf(req), release), {
      limit: 1,
    });
    return r.ok && r.value.items.length > 0;
  }

  app.get('/', async (req, reply) => {
    const base = `${req.protocol}://${req.host}${API_ROOT_PATH}`;
    return reply.send(
      JSON.stringify({
        title: o.title ?? 'Accord TAXII 2.1 server',
        description: o.description ?? 'STIX 2.1 shared under TLP 2.0 and each partner agreement',
        ...(o.contact !== undefined ? { contact: o.contact } : {}),
        default: base,
        api_roots: [base],
      }),
    );
  });

  const root = `/${API_ROOT_NAME}`;

  app.get(`${root}/`, async (_req, reply) =>
    reply.send(
      JSON.stringify({
        title: o.title ?? 'Accord',
        description: 'Knowledge collection and partner inboxes',
        versions: [TAXII_MEDIA_TYPE],
        max_content_length: maxContentLength,
      }),
    ),
  );

  app.get(`${root}/status/:status/`, async (req, reply) => {
    const id = (req.params as { status: string }).status;
    const s = await o.statuses.get(ownerOf(principalOf(req)), id);
    if (!s) return sendError(reply, 404, `no status ${id}`);
    return reply.send(JSON.stringify(s));
  });

  const collectionResource = (c: CollectionInfo) => ({
    id: c.id,
    title: c.title,
    ...(c.description !== undefined ? { description: c.description } : {}),
    ...(c.alias !== undefined ? { alias: c.alias } : {}),
    can_read: c.canRead,
    can_write: c.canWrite,
    media_types: [STIX_MEDIA_TYPE],
  });

  app.get(`${root}/collections/`, async (req, reply) => {
    const cs = await collectionsOf(principalOf(req));
    return reply.send(JSON.stringify(cs.length > 0 ? { collections: cs.map(collectionResource) } : {}));
  });

  app.get(`${root}/collections/:collection/`, async (req, reply) => {
    const id = (req.params as { collection: string }).collection;
    const c = (await collectionsOf(principalOf(req))).find((x) => x.id === id);
    if (!c) return sendError(reply, 404, `no collection ${id}`);
    return reply.send(JSON.stringify(collectionResource(c)));
  });

  app.get(`${root}/collections/:collection/manifest/`, async (req, reply) => {
    const c = await collection(req, reply, 'read');
    if (!c) return reply;
    const f = filterOf(req, reply, { paging: true, id: true, type: true, version: true, specVersion: true });
    if (!f) return reply;
    const r = await o.knowledge.manifest(c.id, f.filter, f.page);
    if (!r.ok) return sendError(reply, 400, r.error);
    pageHeaders(reply, r.value);
    const items = r.value.items.map((m) =>
      JSON.stringify({
        id: m.id,
        date_added: stixTime(m.dateAdded),
        version: m.version,
        media_type: m.mediaType,
      }),
    );
    return reply.send(envelope(r.value.more, r.value.next, 'objects', items));
  });

  app.get(`${root}/collections/:collection/objects/`, async (req, reply) => {
    const c = await collection(req, reply, 'read');
    if (!c) return reply;
    const f = filterOf(req, reply, { paging: true, id: true, type: true, version: true, specVersion: true });
    if (!f) return reply;
    const r = await o.knowledge.list(c.id, f.filter, f.page);
    if (!r.ok) return sendError(reply, 400, r.error);
    pageHeaders(reply, r.value);
    return reply.send(envelope(r.value.more, r.value.next, 'objects', released(req, r.value.items)));
  });

  app.post(`${root}/collections/:collection/objects/`, async (req, reply) => {
    const c = await collection(req, reply, 'write');
    if (!c) return reply;
    const text = typeof req.body === 'string' ? req.body : '';
    const doc = readStixDocument(text);
    if (doc.problem !== undefined)
      return sendError(
        reply,
        doc.problem.startsWith('not JSON') ? 400 : 422,
        `the body is not usable: ${doc.problem}`,
      );
    const principal = principalOf(req);
    const requestTime = stixTime(now());
    const feed = principal.kind === 'admin' ? 'taxii:admin' : `taxii:${principal.partner.name}`;
    const source = `${API_ROOT_PATH}collections/${c.id}/objects/`;
    const successes: StatusDetail[] = [];
    const failures: StatusDetail[] = [];
    const bad: QuarantineInput[] = [];
    const good = doc.items.flatMap((it) => (it.ok ? [it.object] : []));
    for (const it of doc.items) {
      if (it.ok) continue;
      let raw: unknown;
      try {
        raw = JSON.parse(it.raw);
      } catch {
        raw = undefined;
      }
      const rec = isRecord(raw) ? raw : {};
      failures.push({
        id: typeof rec.id === 'string' ? rec.id : '',
        version:
          typeof rec.modified === 'string'
            ? rec.modified
            : typeof rec.created === 'string'
              ? rec.created
              : '',
        message: it.reason,
      });
      bad.push({
        feed,
        source,
        format: 'stix',
        line: it.position,
        reason: it.reason,
        ...(it.field ? { field: it.field } : {}),
        raw: it.raw.length > MAX_RAW ? it.raw.slice(0, MAX_RAW) : it.raw,
      });
    }
    let added = 0;
    for (let i = 0; i < good.length; i += PUT_BATCH) {
      const batch = good.slice(i, i + PUT_BATCH);
      const put = await o.knowledge.put(c.id, batch);
      added += put.added;
      // One message whether the version is new or was already stored: a stored version may be one
      // the poster may not see (a RED one with the same id and modified, an SCO with the same JSON),
      // and "already stored" would tell it that we hold it. Posting it again is a success either way.
      for (const obj of batch)
        successes.push({ id: obj.id, version: obj.version ?? requestTime, message: 'stored' });
    }
    if (bad.length > 0) await o.quarantine.writeBatch({ events: [], quarantine: bad });
    const status: TaxiiStatus = {
      id: randomUUID(),
      status: 'complete',
      request_timestamp: requestTime,
      total_count: doc.items.length,
      success_count: successes.length,
      ...(successes.length > 0 ? { successes } : {}),
      failure_count: failures.length,
      ...(failures.length > 0 ? { failures } : {}),
      pending_count: 0,
    };
    await o.statuses.save(ownerOf(principal), status, now());
    req.log.info(
      {
        collection: c.id,
        by: ownerOf(principal),
        added,
        existing: successes.length - added,
        failed: failures.length,
      },
      'taxii: objects posted',
    );
    return reply.code(202).send(JSON.stringify(status));
  });

  app.get(`${root}/collections/:collection/objects/:object/`, async (req, reply) => {
    const c = await collection(req, reply, 'read');
    if (!c) return reply;
    const f = filterOf(req, reply, { paging: true, version: true, specVersion: true });
    if (!f) return reply;
    const id = objectId(req);
    if (!IDENTIFIER.test(id)) return sendError(reply, 404, `no object ${id}`);
    const r = await o.knowledge.list(c.id, { ...f.filter, ids: [id] }, f.page);
    if (!r.ok) return sendError(reply, 400, r.error);
    if (r.value.items.length === 0 && f.page.next === undefined && !(await visible(req, c.id, id)))
      return sendError(reply, 404, `no object ${id} in collection ${c.id}`);
    pageHeaders(reply, r.value);
    return reply.send(envelope(r.value.more, r.value.next, 'objects', released(req, r.value.items)));
  });

  app.delete(`${root}/collections/:collection/objects/:object/`, async (req, reply) => {
    const c = await collection(req, reply, 'both');
    if (!c) return reply;
    const f = filterOf(req, reply, { version: true, specVersion: true });
    if (!f) return reply;
    const id = objectId(req);
    if (!IDENTIFIER.test(id)) return sendError(reply, 404, `no object ${id}`);
    const filter: KnowledgeFilter = { ...f.filter, versions: f.filter.versions ?? ['all'] };
    const n = await o.knowledge.delete(c.id, id, filter);
    if (n === 0) return sendError(reply, 404, `no object ${id} in collection ${c.id} matches`);
    req.log.info(
      { collection: c.id, id, versions: n, by: ownerOf(principalOf(req)) },
      'taxii: object deleted',
    );
    return reply.code(200).send('');
  });

  app.get(`${root}/collections/:collection/objects/:object/versions/`, async (req, reply) => {
    const c = await collection(req, reply, 'read');
    if (!c) return reply;
    const f = filterOf(req, reply, { paging: true, specVersion: true });
    if (!f) return reply;
    const id = objectId(req);
    if (!IDENTIFIER.test(id)) return sendError(reply, 404, `no object ${id}`);
    const r = await o.knowledge.versions(c.id, id, f.filter, f.page);
    if (!r.ok) return sendError(reply, 400, r.error);
    if (r.value.items.length === 0 && f.page.next === undefined && !(await visible(req, c.id, id)))
      return sendError(reply, 404, `no object ${id} in collection ${c.id}`);
    pageHeaders(reply, r.value);
    return reply.send(
      envelope(
        r.value.more,
        r.value.next,
        'versions',
        r.value.items.map((v) => JSON.stringify(v.version)),
      ),
    );
  });
}
