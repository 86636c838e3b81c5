/**
 * A small TAXII 2.1 server for client tests, over a KnowledgeStore, on 127.0.0.1: one API root
 * (/api1/), its collections, GET objects (added_after, limit, next, match[type], match[id],
 * X-TAXII-Date-Added-First/Last), POST objects (413 above max_content_length, a status resource
 * that can stay pending for a few polls), GET status, Basic auth. It follows the specification
 * where the client depends on it; it is not Accord's server (src/taxii/server).
 */
import { randomUUID } from 'node:crypto';
import { readStixDocument } from '../../../knowledge/import.js';
import type { KnowledgeStore } from '../../../knowledge/knowledge-store.js';
import { stixTime, timestampMicros } from '../../../knowledge/stix.js';
import type { StatusResource } from '../resources.js';
import { type Recorded, type Reply, type ScriptedServer, startScriptedServer } from './scripted-server.js';

export interface MiniTaxiiOptions {
  readonly knowledge: KnowledgeStore;
  /** Collection ids served (read and write). */
  readonly collections: readonly string[];
  readonly maxContentLength?: number;
  /** Largest page served (default 100). */
  readonly maxPage?: number;
  /** Leave `next` out of pages (clients must page on with X-TAXII-Date-Added-Last). */
  readonly omitNext?: boolean;
  /** Require this Basic user and password. */
  readonly basic?: { readonly username: string; readonly password: string };
  /** Status resources answer "pending" this many times before "complete" (default 0). */
  readonly pendingPolls?: number;
}

export interface MiniTaxiiServer extends ScriptedServer {
  /** The API root URL, ending with a slash. */
  readonly apiRoot: string;
}

const taxiiError = (status: number, title: string, description?: string): Reply => ({
  status,
  body: { title, http_status: String(status), ...(description ? { description } : {}) },
});

export async function startMiniTaxiiServer(o: MiniTaxiiOptions): Promise<MiniTaxiiServer> {
  const statuses = new Map<string, { resource: StatusResource; polls: number }>();
  const maxContentLength = o.maxContentLength ?? 10 * 1024 * 1024;

  async function handle(req: Recorded): Promise<Reply> {
    if (o.basic) {
      const want = `Basic ${Buffer.from(`${o.basic.username}:${o.basic.password}`).toString('base64')}`;
      if (req.headers.authorization !== want)
        return {
          ...taxiiError(401, 'not authenticated'),
          headers: { 'WWW-Authenticate': 'Basic realm="taxii"' },
        };
    }
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (path === '/taxii2/') return { body: { title: 'mini', default: '/api1/', api_roots: ['/api1/'] } };
    if (path === '/api1/')
      return {
        body: {
          title: 'mini api root',
          versions: ['application/taxii+json;version=2.1'],
          max_content_length: maxContentLength,
        },
      };
    if (path === '/api1/collections/')
      return {
        body: {
          collections: o.collections.map((id) => ({ id, title: id, can_read: true, can_write: true })),
        },
      };
    const st = /^\/api1\/status\/([^/]+)\/$/.exec(path);
    if (st) {
      const s = statuses.get(decodeURIComponent(st[1] as string));
      if (!s) return taxiiError(404, 'no such status');
      s.polls++;
      if (s.polls <= (o.pendingPolls ?? 0))
        return {
          body: {
            ...s.resource,
            status: 'pending',
            success_count: 0,
            pending_count: s.resource.total_count,
            successes: [],
          },
        };
      return { body: s.resource };
    }
    const m = /^\/api1\/collections\/([^/]+)\/objects\/$/.exec(path);
    if (!m) return taxiiError(404, 'not found');
    const collection = decodeURIComponent(m[1] as string);
    if (!o.collections.includes(collection)) return taxiiError(404, 'no such collection');
    if (req.method === 'POST') {
      if (Buffer.byteLength(req.body) > maxContentLength) return taxiiError(413, 'too large');
      if (!String(req.headers['content-type']).startsWith('application/taxii+json'))
        return taxiiError(415, 'unsupported media type');
      const doc = readStixDocument(req.body);
      if (doc.problem) return taxiiError(422, 'unprocessable', doc.problem);
      const good = doc.items.flatMap((i) => (i.ok ? [i.object] : []));
      await o.knowledge.put(collection, good);
      const failures = doc.items.flatMap((i) =>
        i.ok ? [] : [{ id: 'unknown', version: 'unknown', message: i.reason }],
      );
      const resource: StatusResource = {
        id: randomUUID(),
        status: 'complete',
        request_timestamp: new Date().toISOString(),
        total_count: doc.items.length,
        success_count: good.length,
        successes: good.map((g) => ({ id: g.id, version: g.version ?? '' })),
        failure_count: failures.length,
        failures,
        pending_count: 0,
      };
      statuses.set(resource.id, { resource, polls: 0 });
      const pending = (o.pendingPolls ?? 0) > 0;
      return {
        status: 202,
        body: pending
          ? {
              ...resource,
              status: 'pending',
              success_count: 0,
              successes: [],
              pending_count: resource.total_count,
            }
          : resource,
      };
    }
    const q = url.searchParams;
    const after = q.get('added_after');
    const afterUs = after === null ? undefined : timestampMicros(after);
    if (after !== null && afterUs === undefined) return taxiiError(400, 'bad added_after');
    const limit = Math.min(o.maxPage ?? 100, Number(q.get('limit') ?? o.maxPage ?? 100));
    const types = q.get('match[type]')?.split(',');
    const ids = q.get('match[id]')?.split(',');
    const next = q.get('next') ?? undefined;
    const page = await o.knowledge.list(
      collection,
      {
        ...(afterUs !== undefined ? { addedAfter: Math.floor(afterUs / 1000) } : {}),
        ...(types ? { types } : {}),
        ...(ids ? { ids } : {}),
      },
      { limit, ...(next ? { next } : {}) },
    );
    if (!page.ok) return taxiiError(400, 'bad request', page.error);
    const p = page.value;
    const headers: Record<string, string> = {};
    if (p.dateAddedFirst !== undefined) headers['X-TAXII-Date-Added-First'] = stixTime(p.dateAddedFirst);
    if (p.dateAddedLast !== undefined) headers['X-TAXII-Date-Added-Last'] = stixTime(p.dateAddedLast);
    const objects = p.items.map((i) => i.json).join(',');
    const nextPart = p.more && p.next && !o.omitNext ? `,"next":${JSON.stringify(p.next)}` : '';
    return {
      headers,
      body: `{"more":${p.more}${nextPart}${p.items.length > 0 ? `,"objects":[${objects}]` : ''}}`,
    };
  }

  const server = await startScriptedServer((req) => handle(req));
  return { ...server, apiRoot: `${server.url}/api1/` };
}
