/**
 * A TAXII 2.1 client (OASIS TAXII 2.1, sections 3 to 5) on Node's global fetch: discovery, API
 * root, collections, objects with `added_after` / `match[...]` / `limit` / `next`, paging that
 * follows `next` and `more` (or, when a server gives no `next`, `added_after` set to the
 * X-TAXII-Date-Added-Last header of the page, as the specification allows), adding objects in
 * envelopes no larger than the API root's max_content_length, and polling the status resource
 * until it is complete, within a bound.
 *
 * Every request: Accept `application/taxii+json;version=2.1` (and the same Content-Type on a
 * POST), the partner's credentials (secrets read from the environment variables its settings
 * name), a timeout for the whole exchange, redirects refused (credentials never follow one), and
 * a bounded number of tries for what can pass: network errors, timeouts, 408, 429 and 5xx, with
 * exponential back-off and jitter, waiting at least what Retry-After asks. A 4xx is reported at
 * once with the method, URL, status and the server's TAXII error title.
 */
import { err, ok, type Result } from '../../domain/result.js';
import { backoffDelay, sleep } from '../../feeds/backoff.js';
import { timestampMicros } from '../../knowledge/stix.js';
import type { RemoteAuth } from '../../partners/partner.js';
import { authorizationHeader, type Env } from './auth.js';
import { envelopeText, planEnvelopes } from './envelopes.js';
import { isTaxiiMediaType, TAXII_MEDIA_TYPE } from './media.js';
import type {
  ApiRootInfo,
  CollectionInfo,
  Discovery,
  ObjectsPage,
  ObjectsQuery,
  StatusDetail,
  StatusResource,
  TaxiiErrorBody,
} from './resources.js';
import { retryAfterMs } from './retry-after.js';
import { TaxiiError } from './taxii-error.js';
import { isLoopbackHost, printable } from './untrusted.js';

export interface RetryInfo {
  readonly method: string;
  readonly url: string;
  /** The try that failed, 1-based. */
  readonly attempt: number;
  readonly error: string;
  readonly delayMs: number;
}

export interface TaxiiClientOptions {
  /** The API root URL (a trailing slash is added when missing). */
  readonly apiRoot: string;
  readonly auth: RemoteAuth;
  /** Where secrets are read from (default process.env). */
  readonly env?: Env;
  /** One request, answer body included, ms (default 30,000). */
  readonly timeoutMs?: number;
  /** Tries after the first for what can pass (default 4). */
  readonly retries?: number;
  /** First back-off, ms; doubles per try, jittered (default 1,000). */
  readonly retryDelayMs?: number;
  /** The longest single wait, ms; a Retry-After asking for more fails the request (default 120,000). */
  readonly maxWaitMs?: number;
  /** The largest answer body read, bytes (default 256 MiB). */
  readonly maxResponseBytes?: number;
  /**
   * The most objects one page may hold (default 10,000, and never fewer than the `limit` asked
   * for): a page with more is a protocol error.
   */
  readonly maxObjectsPerPage?: number;
  /**
   * Allow a plain http:// API root on a host other than this machine (default false: TAXII 2.1
   * requires HTTPS, and credentials would cross the network in clear).
   */
  readonly allowHttp?: boolean;
  /** Aborting stops the request under way and any wait. */
  readonly signal?: AbortSignal;
  /** For tests: the jitter of the back-off. */
  readonly random?: () => number;
  readonly onRetry?: (info: RetryInfo) => void;
}

interface Answer {
  readonly url: string;
  readonly headers: Headers;
  readonly text: string;
  readonly json: Record<string, unknown>;
}

const DEFAULTS = {
  timeoutMs: 30_000,
  retries: 4,
  retryDelayMs: 1_000,
  maxWaitMs: 120_000,
  maxResponseBytes: 256 * 1024 ** 2,
  maxObjectsPerPage: 10_000,
};

/** Pages in a row that say `more` yet bring no object before paging stops as not advancing. */
export const MAX_EMPTY_PAGES = 20;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A client for one API root, or why one cannot be made (a bad URL, a missing secret). */
export function createTaxiiClient(o: TaxiiClientOptions): Result<TaxiiClient> {
  let url: URL;
  try {
    url = new URL(o.apiRoot);
  } catch {
    return err(`the API root ${JSON.stringify(o.apiRoot)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return err(`the API root ${o.apiRoot} is not an http(s) URL`);
  if (url.username || url.password)
    return err(
      `the API root ${url.origin}${url.pathname} carries credentials: set them in the partner's auth`,
    );
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && o.allowHttp !== true)
    return err(
      `the API root ${url.origin}${url.pathname} is plain http: TAXII 2.1 requires HTTPS, and credentials and objects would cross the network in clear (use an https API root; accord taxii takes --allow-http to allow it explicitly)`,
    );
  url.search = '';
  url.hash = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  const auth = authorizationHeader(o.auth, o.env);
  if (!auth.ok) return err(`${url.href}: ${auth.error}`);
  return ok(new TaxiiClient(url.href, auth.value, o));
}

export interface AddResult {
  /** Envelopes posted. */
  readonly envelopes: number;
  readonly posted: number;
  /** Counts from the status resources, once complete or when the wait ran out. */
  readonly success: number;
  readonly failure: number;
  readonly pending: number;
  readonly failures: readonly StatusDetail[];
  /** Objects (indexes into the input) larger than the API root's max_content_length: not sent. */
  readonly tooLarge: readonly number[];
  readonly statusIds: readonly string[];
}

export interface AddOptions {
  /** How long to poll a pending status, ms (default 60,000). */
  readonly waitMs?: number;
  /** First poll interval, ms; grows to 5 s (default 500). */
  readonly pollMs?: number;
  /** Objects per envelope, at most (default 1,000). */
  readonly maxObjects?: number;
}

export class TaxiiClient {
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly maxWaitMs: number;
  private readonly maxResponseBytes: number;
  private readonly maxObjectsPerPage: number;
  private info: ApiRootInfo | undefined;

  constructor(
    /** The API root, ending with a slash. */
    readonly apiRoot: string,
    private readonly authorization: string | undefined,
    private readonly o: TaxiiClientOptions,
  ) {
    this.timeoutMs = o.timeoutMs ?? DEFAULTS.timeoutMs;
    this.retries = o.retries ?? DEFAULTS.retries;
    this.retryDelayMs = o.retryDelayMs ?? DEFAULTS.retryDelayMs;
    this.maxWaitMs = o.maxWaitMs ?? DEFAULTS.maxWaitMs;
    this.maxResponseBytes = o.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
    this.maxObjectsPerPage = o.maxObjectsPerPage ?? DEFAULTS.maxObjectsPerPage;
  }

  collectionUrl(collection: string): string {
    return `${this.apiRoot}collections/${encodeURIComponent(collection)}/`;
  }

  objectsUrl(collection: string): string {
    return `${this.collectionUrl(collection)}objects/`;
  }

  /**
   * GET a discovery URL (e.g. https://host/taxii2/) with this client's credentials: only on the
   * API root's own origin (scheme, host and port), so the credentials go nowhere else.
   */
  async discovery(url: string): Promise<Discovery> {
    let origin: string | undefined;
    try {
      origin = new URL(url).origin;
    } catch {
      // reported below
    }
    if (origin !== new URL(this.apiRoot).origin)
      throw new TaxiiError(
        'config',
        `${printable(url)}: not on the API root's origin ${new URL(this.apiRoot).origin}: the partner's credentials are not sent there`,
        url,
      );
    const a = await this.request('GET', url);
    if (typeof a.json.title !== 'string') throw protocol(a.url, 'the discovery resource has no title');
    const roots = a.json.api_roots;
    if (roots !== undefined && !(Array.isArray(roots) && roots.every((r) => typeof r === 'string')))
      throw protocol(a.url, "the discovery resource's api_roots is not a list of URLs");
    return a.json as unknown as Discovery;
  }

  /** The API root's information (cached). */
  async apiRootInfo(): Promise<ApiRootInfo> {
    if (this.info) return this.info;
    const a = await this.request('GET', this.apiRoot);
    const j = a.json;
    if (
      typeof j.max_content_length !== 'number' ||
      !(j.max_content_length >= 0) ||
      !Array.isArray(j.versions) ||
      typeof j.title !== 'string'
    )
      throw protocol(
        a.url,
        'the API root resource lacks a title, versions or a max_content_length (a number >= 0)',
      );
    if (!j.versions.some((v) => typeof v === 'string' && isTaxiiMediaType(v)))
      throw protocol(
        a.url,
        `the API root does not list TAXII 2.1 among its versions (${printable(JSON.stringify(j.versions))})`,
      );
    this.info = j as unknown as ApiRootInfo;
    return this.info;
  }

  async collections(): Promise<readonly CollectionInfo[]> {
    const a = await this.request('GET', `${this.apiRoot}collections/`);
    const c = a.json.collections ?? [];
    if (!Array.isArray(c)) throw protocol(a.url, 'collections is not a list');
    for (const [i, x] of c.entries()) {
      const why = collectionProblem(x);
      if (why) throw protocol(a.url, `collections[${i}] ${why}`);
    }
    return c as CollectionInfo[];
  }

  async collection(id: string): Promise<CollectionInfo> {
    const a = await this.request('GET', this.collectionUrl(id));
    const why = collectionProblem(a.json);
    if (why) throw protocol(a.url, `the collection resource ${why}`);
    return a.json as unknown as CollectionInfo;
  }

  /** One page of GET objects. */
  async getObjects(collection: string, q: ObjectsQuery = {}): Promise<ObjectsPage> {
    const url = new URL(this.objectsUrl(collection));
    if (q.addedAfter !== undefined) url.searchParams.set('added_after', q.addedAfter);
    if (q.limit !== undefined) url.searchParams.set('limit', String(q.limit));
    if (q.next !== undefined) url.searchParams.set('next', q.next);
    for (const [k, vs] of Object.entries(q.match ?? {}))
      if (vs && vs.length > 0) url.searchParams.set(`match[${k}]`, vs.join(','));
    const a = await this.request('GET', url.href);
    const j = a.json;
    const objects = j.objects ?? [];
    if (!Array.isArray(objects)) throw protocol(a.url, 'the envelope\'s "objects" is not a list');
    const cap = Math.max(this.maxObjectsPerPage, q.limit ?? 0);
    if (objects.length > cap)
      throw protocol(
        a.url,
        `the page holds ${objects.length} objects, more than the ${cap} a page may (asked for ${q.limit ?? 'no limit'})`,
      );
    if (j.more !== undefined && typeof j.more !== 'boolean')
      throw protocol(
        a.url,
        `the envelope's "more" is not true or false (${printable(JSON.stringify(j.more))})`,
      );
    if (j.next !== undefined && typeof j.next !== 'string')
      throw protocol(a.url, `the envelope's "next" is not a string (${printable(JSON.stringify(j.next))})`);
    const more = j.more === true;
    const next = typeof j.next === 'string' && j.next !== '' ? j.next : undefined;
    // Only the last date is used (it becomes the next added_after): an unreadable first is dropped.
    const firstHeader = a.headers.get('x-taxii-date-added-first');
    const first = firstHeader && timestampMicros(firstHeader) !== undefined ? firstHeader : undefined;
    const last = dateAddedHeader(a, 'x-taxii-date-added-last');
    return {
      url: a.url,
      text: a.text,
      more,
      ...(next !== undefined ? { next } : {}),
      objectCount: objects.length,
      ...(first ? { dateAddedFirst: first } : {}),
      ...(last ? { dateAddedLast: last } : {}),
    };
  }

  /**
   * Every page of a query, following `next` (with the same query, as TAXII 2.1 asks), or, when a
   * page says `more` without a `next`, going on from its X-TAXII-Date-Added-Last. A server that
   * gives neither, or repeats itself, is a protocol error rather than an endless loop.
   */
  async *pages(collection: string, q: ObjectsQuery = {}, maxPages = 1_000_000): AsyncGenerator<ObjectsPage> {
    let query = q;
    const seen = new Set<string>();
    let empty = 0;
    let lastAdded: number | undefined;
    for (let n = 0; n < maxPages; n++) {
      const page = await this.getObjects(collection, query);
      const added = page.dateAddedLast === undefined ? undefined : timestampMicros(page.dateAddedLast);
      if (added !== undefined && lastAdded !== undefined && added < lastAdded)
        throw protocol(
          page.url,
          `X-TAXII-Date-Added-Last went back (${page.dateAddedLast} after a page up to ${new Date(lastAdded / 1000).toISOString()}): the server does not advance`,
        );
      if (added !== undefined) lastAdded = added;
      yield page;
      if (!page.more) return;
      empty = page.objectCount === 0 ? empty + 1 : 0;
      if (empty >= MAX_EMPTY_PAGES)
        throw protocol(
          page.url,
          `more is true but ${empty} pages in a row brought no object: the server does not advance`,
        );
      if (page.next !== undefined) {
        if (seen.has(`n:${page.next}`))
          throw protocol(
            page.url,
            `the server sent the same next (${printable(page.next)}) twice: it does not advance`,
          );
        seen.add(`n:${page.next}`);
        query = { ...q, next: page.next };
      } else if (page.dateAddedLast !== undefined) {
        const after = query.addedAfter === undefined ? undefined : timestampMicros(query.addedAfter);
        if (
          page.dateAddedLast === query.addedAfter ||
          seen.has(`a:${page.dateAddedLast}`) ||
          (after !== undefined && added !== undefined && added <= after)
        )
          throw protocol(
            page.url,
            `more is true but X-TAXII-Date-Added-Last (${page.dateAddedLast}) does not advance: cannot page on`,
          );
        seen.add(`a:${page.dateAddedLast}`);
        const { next: _, ...rest } = q;
        query = { ...rest, addedAfter: page.dateAddedLast };
      } else
        throw protocol(
          page.url,
          'more is true but the page has neither next nor an X-TAXII-Date-Added-Last header: cannot page on',
        );
    }
  }

  async status(id: string): Promise<StatusResource> {
    const a = await this.request('GET', `${this.apiRoot}status/${encodeURIComponent(id)}/`);
    const s = readStatus(a);
    if (s.id !== id)
      throw protocol(a.url, `asked for status ${printable(id)}, the server answered with ${printable(s.id)}`);
    return s;
  }

  /**
   * Add objects (JSON texts, sent byte for byte) to a collection: as many envelopes as the API
   * root's max_content_length needs, then each status polled until complete or `waitMs` ran out.
   */
  async addObjects(collection: string, objects: readonly string[], o: AddOptions = {}): Promise<AddResult> {
    const info = await this.apiRootInfo();
    const plan = planEnvelopes(objects, info.max_content_length, o.maxObjects ?? 1000);
    const statuses: StatusResource[] = [];
    let posted = 0;
    for (const env of plan.envelopes) {
      const body = envelopeText(env.map((i) => objects[i] as string));
      const a = await this.request('POST', this.objectsUrl(collection), body);
      statuses.push(readStatus(a));
      posted += env.length;
    }
    const deadline = performance.now() + (o.waitMs ?? 60_000);
    for (let i = 0; i < statuses.length; i++) {
      let s = statuses[i] as StatusResource;
      let poll = o.pollMs ?? 500;
      while (s.status !== 'complete' && performance.now() < deadline && !this.o.signal?.aborted) {
        await sleep(Math.min(poll, Math.max(0, deadline - performance.now())), this.o.signal);
        poll = Math.min(5_000, poll * 2);
        s = await this.status(s.id);
      }
      statuses[i] = s;
    }
    const sum = (k: 'success_count' | 'failure_count' | 'pending_count') =>
      statuses.reduce((a, s) => a + s[k], 0);
    return {
      envelopes: plan.envelopes.length,
      posted,
      success: sum('success_count'),
      failure: sum('failure_count'),
      pending: sum('pending_count'),
      failures: statuses.flatMap((s) => s.failures ?? []),
      tooLarge: plan.tooLarge,
      statusIds: statuses.map((s) => s.id),
    };
  }

  /** One request with tries for what can pass. */
  private async request(method: 'GET' | 'POST', url: string, body?: string): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, url, body);
      } catch (e) {
        const te =
          e instanceof TaxiiError ? e : new TaxiiError('network', `${method} ${url}: ${String(e)}`, url);
        if (!te.retryable || attempt >= this.retries || this.o.signal?.aborted) {
          if (te.retryable && attempt > 0)
            throw new TaxiiError(
              te.kind,
              `${te.message} (gave up after ${attempt + 1} tries)`,
              url,
              te.status,
            );
          throw te;
        }
        let delay = backoffDelay(attempt, this.retryDelayMs, this.o.random);
        if (te.retryAfterMs !== undefined) {
          if (te.retryAfterMs > this.maxWaitMs)
            throw new TaxiiError(
              te.kind,
              `${te.message}; the server asks to retry after ${Math.ceil(te.retryAfterMs / 1000)} s, longer than the ${this.maxWaitMs / 1000} s we wait`,
              url,
              te.status,
              te.retryAfterMs,
            );
          delay = Math.max(delay, te.retryAfterMs);
        }
        delay = Math.min(delay, this.maxWaitMs);
        this.o.onRetry?.({ method, url, attempt: attempt + 1, error: te.message, delayMs: delay });
        await sleep(delay, this.o.signal);
        if (this.o.signal?.aborted) throw new TaxiiError('aborted', `${method} ${url}: stopped`, url);
      }
    }
  }

  private async once(method: 'GET' | 'POST', url: string, body?: string): Promise<Answer> {
    const headers: Record<string, string> = { Accept: TAXII_MEDIA_TYPE };
    if (body !== undefined) headers['Content-Type'] = TAXII_MEDIA_TYPE;
    if (this.authorization) headers.Authorization = this.authorization;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = this.o.signal ? AbortSignal.any([timeout, this.o.signal]) : timeout;
    const failed = (e: unknown, during: string): TaxiiError => {
      if (this.o.signal?.aborted) return new TaxiiError('aborted', `${method} ${url}: stopped`, url);
      if (timeout.aborted)
        return new TaxiiError(
          'timeout',
          `${method} ${url}: no complete answer within ${this.timeoutMs / 1000} s`,
          url,
        );
      const cause = (e as { cause?: { code?: string; message?: string } })?.cause;
      const why = cause?.code ?? cause?.message ?? (e as Error)?.message ?? String(e);
      return new TaxiiError('network', `${method} ${url}: ${during}: ${why}`, url);
    };
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: 'manual',
        signal,
      });
    } catch (e) {
      throw failed(e, 'request failed');
    }
    let text: string;
    try {
      text = res.ok
        ? await readBody(res, this.maxResponseBytes, `${method} ${url}`)
        : await readPrefix(res, Math.min(this.maxResponseBytes, ERROR_BODY_BYTES));
    } catch (e) {
      if (e instanceof TaxiiError) throw e;
      throw failed(e, 'connection lost while reading the answer');
    }
    if (res.status >= 300 && res.status < 400) {
      const to = res.headers.get('location');
      throw new TaxiiError(
        'status',
        `${method} ${url}: HTTP ${res.status} redirect${to ? ` to ${printable(to)}` : ''}: redirects are not followed (credentials would go with them); set the partner's API root to the final URL`,
        url,
        res.status,
      );
    }
    if (!res.ok) {
      let detail = '';
      try {
        const j = JSON.parse(text) as TaxiiErrorBody;
        if (isRecord(j))
          detail = printable([j.title, j.description].filter((x) => typeof x === 'string').join(': '));
      } catch {
        detail = printable(text.trim());
      }
      const hint =
        res.status === 401
          ? ` (check the credentials of this partner${this.o.auth.kind === 'basic' ? `: user ${this.o.auth.username}, password from $${this.o.auth.passwordEnv}` : this.o.auth.kind === 'bearer' ? `: API key from $${this.o.auth.tokenEnv}` : ': none are configured'})`
          : '';
      const wait = retryAfterMs(res.headers.get('retry-after'));
      throw new TaxiiError(
        'status',
        `${method} ${url}: HTTP ${res.status}${res.statusText ? ` ${printable(res.statusText)}` : ''}${detail ? `: ${detail}` : ''}${hint}`,
        url,
        res.status,
        wait,
      );
    }
    const type = res.headers.get('content-type');
    if (!isTaxiiMediaType(type))
      throw new TaxiiError(
        'media-type',
        `${method} ${url}: the answer is ${type ? `"${printable(type)}"` : 'untyped'}, not ${TAXII_MEDIA_TYPE}: is this a TAXII 2.1 server?`,
        url,
        res.status,
      );
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw protocol(url, `the answer is not JSON: ${(e as Error).message}`);
    }
    if (!isRecord(json)) throw protocol(url, 'the answer is not a JSON object');
    return { url, headers: res.headers, text, json };
  }
}

/** What is read of an error answer (a redirect, a 4xx or 5xx): enough for its TAXII error title. */
const ERROR_BODY_BYTES = 64 * 1024;

/** The first `max` bytes of an answer, the rest left unread (an error answer's body). */
async function readPrefix(res: Response, max: number): Promise<string> {
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    chunks.push(c.subarray(0, max - size));
    size += Math.min(c.byteLength, max - size);
    if (size >= max) break; // leaving the loop cancels the rest of the stream
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readBody(res: Response, max: number, what: string): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {});
    throw new TaxiiError('protocol', `${what}: the answer is ${declared} bytes, more than the ${max} read`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += c.byteLength;
    if (size > max)
      throw new TaxiiError('protocol', `${what}: the answer is more than the ${max} bytes read`);
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function protocol(url: string, message: string): TaxiiError {
  return new TaxiiError('protocol', `${url}: ${message}`, url);
}

function collectionProblem(x: unknown): string | undefined {
  if (!isRecord(x)) return 'is not an object';
  if (typeof x.id !== 'string' || x.id === '') return 'has no id';
  if (typeof x.title !== 'string') return `${printable(x.id)} has no title`;
  if (typeof x.can_read !== 'boolean' || typeof x.can_write !== 'boolean')
    return `${printable(x.id)}: can_read or can_write is not true or false`;
  return undefined;
}

/** An X-TAXII-Date-Added-* header: absent, or a TAXII timestamp (it becomes the next added_after). */
function dateAddedHeader(a: Answer, name: string): string | undefined {
  const v = a.headers.get(name);
  if (!v) return undefined;
  if (timestampMicros(v) === undefined)
    throw protocol(a.url, `the ${name} header is not a timestamp (${printable(v)})`);
  return v;
}

function readStatus(a: Answer): StatusResource {
  const j = a.json;
  if (typeof j.id !== 'string' || (j.status !== 'complete' && j.status !== 'pending'))
    throw protocol(
      a.url,
      'the answer is not a TAXII status resource (no id, or status not complete/pending)',
    );
  const n = (k: string): number => {
    const v = j[k];
    if (v === undefined) return 0;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      throw protocol(a.url, `the status resource's ${k} is not a count (${printable(JSON.stringify(v))})`);
    return v;
  };
  for (const k of ['successes', 'failures', 'pendings']) {
    const v = j[k];
    if (v === undefined) continue;
    if (!Array.isArray(v)) throw protocol(a.url, `the status resource's ${k} is not a list`);
    const bad = v.findIndex(
      (d) =>
        !isRecord(d) ||
        typeof d.id !== 'string' ||
        typeof d.version !== 'string' ||
        (d.message !== undefined && typeof d.message !== 'string'),
    );
    if (bad >= 0)
      throw protocol(a.url, `the status resource's ${k}[${bad}] is not {id, version, message?} strings`);
  }
  return {
    ...(j as unknown as StatusResource),
    total_count: n('total_count'),
    success_count: n('success_count'),
    failure_count: n('failure_count'),
    pending_count: n('pending_count'),
  };
}
