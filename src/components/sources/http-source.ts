/**
 * HTTP(S) byte source: `accord ingest https://...`.
 *
 * Opening resolves once a 2xx answer's headers arrived (redirects followed, bounded), so a 404,
 * a 500 or a server that never answers fails before anything is ingested, with a message naming
 * the URL and what went wrong. The body then streams; a connection that goes idle for longer than
 * the timeout, closes early or grows past the size limit makes the stream throw: the records read
 * before stay stored and the ingest run is recorded as failed (see src/pipeline/ingest.ts).
 * Errors are values of one class, SourceError; nothing here crashes the process.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { ByteSource } from './file-source.js';

export interface HttpSourceOptions {
  /** Connect and idle timeout, ms: no byte for this long fails the source. Default 30,000. */
  readonly timeoutMs?: number;
  /** Largest body accepted, bytes. Default 8 GiB. */
  readonly maxBytes?: number;
  /** Redirects followed at most. Default 5. */
  readonly maxRedirects?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Conditional GET: the validators of the copy we already have. A 304 answer then means "not
   * modified" (see `fetchHttp`; `httpSource` treats it as an error since it has no copy).
   */
  readonly etag?: string;
  readonly lastModified?: string;
  /**
   * Which hosts may be reached, checked for the first URL and for every redirect target before
   * connecting (no SSRF through a feed or a redirect). The host is lower-case, IPv6 without
   * brackets. Default: any host.
   */
  readonly allowHost?: (host: string) => boolean;
  /** Aborting stops the request or the body stream with a SourceError (reason 'aborted'). */
  readonly signal?: AbortSignal;
}

/** Why a source failed, for callers that decide whether trying again can help. */
export type SourceFailure =
  | 'bad-url'
  | 'host-not-allowed'
  | 'redirects'
  | 'network'
  | 'timeout'
  | 'status'
  | 'too-large'
  | 'aborted';

/** The outcome of a (conditional) GET: a body to read, or "the copy you have is current". */
export type HttpFetch =
  | { readonly kind: 'body'; readonly source: HttpByteSource }
  | { readonly kind: 'not-modified'; readonly finalUrl: string };

export interface HttpByteSource extends ByteSource {
  /** The URL the body came from, after redirects. */
  readonly finalUrl: string;
  /** Validators of this body, to send on the next conditional GET. */
  readonly etag?: string;
  readonly lastModified?: string;
  /** Abort the transfer (safe to call at any time, and twice). */
  close(): void;
}

/** An input that could not be read: bad URL, network failure, HTTP status, timeout, size. */
export class SourceError extends Error {
  readonly code = 'source' as const;
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number,
    readonly reason: SourceFailure = status !== undefined ? 'status' : 'network',
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function isHttpUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

/** The host as allow-lists name it: lower case, IPv6 without brackets, no trailing dot. */
export function hostOf(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
}

function onAbort(signal: AbortSignal | undefined, f: () => void): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    f();
    return () => {};
  }
  signal.addEventListener('abort', f, { once: true });
  return () => signal.removeEventListener('abort', f);
}

function get(
  url: URL,
  timeoutMs: number,
  headers: Readonly<Record<string, string>>,
  signal?: AbortSignal,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const start = async () => {
      const mod = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
      const req = mod.get(
        url,
        { timeout: timeoutMs, headers: { 'user-agent': 'accord', ...headers } },
        (res) => {
          off();
          resolve({ req, res });
        },
      );
      const off = onAbort(signal, () =>
        req.destroy(new SourceError(`${url.href}: stopped`, url.href, undefined, 'aborted')),
      );
      req.on('timeout', () =>
        req.destroy(
          new SourceError(
            `${url.href}: no answer within ${timeoutMs / 1000} s`,
            url.href,
            undefined,
            'timeout',
          ),
        ),
      );
      req.on('error', (e) => {
        off();
        reject(e instanceof SourceError ? e : new SourceError(`${url.href}: ${e.message}`, url.href));
      });
    };
    start().catch(reject);
  });
}

/** Open a URL. Throws SourceError (before any byte is ingested) when it cannot be read. */
export async function httpSource(spec: string, options: HttpSourceOptions = {}): Promise<HttpByteSource> {
  const r = await fetchHttp(spec, options);
  if (r.kind === 'not-modified')
    throw new SourceError(`${r.finalUrl}: HTTP 304 Not Modified`, r.finalUrl, 304);
  return r.source;
}

/**
 * Open a URL, conditionally when `etag` / `lastModified` are given: a 304 answer is
 * `not-modified` (nothing to read). Throws SourceError, before any byte is read, when it cannot
 * be read or a host on the way is not allowed.
 */
export async function fetchHttp(spec: string, options: HttpSourceOptions = {}): Promise<HttpFetch> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 ** 3;
  const maxRedirects = options.maxRedirects ?? 5;
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new SourceError(`${spec}: not a valid URL`, spec, undefined, 'bad-url');
  }
  const conditional: Record<string, string> = {};
  if (options.etag) conditional['if-none-match'] = options.etag;
  if (options.lastModified) conditional['if-modified-since'] = options.lastModified;
  let redirects = 0;
  for (;;) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SourceError(`${url.href}: only http and https URLs can be read`, spec, undefined, 'bad-url');
    if (options.allowHost && !options.allowHost(hostOf(url)))
      throw new SourceError(
        `${redirects > 0 ? `${spec}: redirected to ${url.href}: ` : `${url.href}: `}host "${hostOf(url)}" is not in the allowed hosts`,
        spec,
        undefined,
        'host-not-allowed',
      );
    const { req, res } = await get(url, timeoutMs, { ...options.headers, ...conditional }, options.signal);
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.resume();
      req.destroy();
      if (++redirects > maxRedirects)
        throw new SourceError(
          `${spec}: more than ${maxRedirects} redirects (last to ${res.headers.location})`,
          spec,
          undefined,
          'redirects',
        );
      try {
        url = new URL(res.headers.location, url);
      } catch {
        throw new SourceError(
          `${url.href}: redirect to an invalid URL "${res.headers.location}"`,
          spec,
          status,
          'bad-url',
        );
      }
      continue;
    }
    if (status === 304 && (options.etag || options.lastModified)) {
      res.resume();
      req.destroy();
      return { kind: 'not-modified', finalUrl: url.href };
    }
    if (status < 200 || status > 299) {
      res.resume();
      req.destroy();
      throw new SourceError(
        `${url.href}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd(),
        url.href,
        status,
      );
    }
    const declared = Number(res.headers['content-length']);
    const length = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
    if (length !== undefined && length > maxBytes) {
      req.destroy();
      throw new SourceError(
        `${url.href}: body is ${length.toLocaleString('en')} bytes, over the ${maxBytes.toLocaleString('en')}-byte limit`,
        url.href,
        status,
        'too-large',
      );
    }
    const src = body(url.href, spec, req, res, length, { timeoutMs, maxBytes }, options.signal);
    const header = (h: string) => {
      const v = res.headers[h];
      return typeof v === 'string' && v !== '' ? v : undefined;
    };
    const etag = header('etag');
    const lastModified = header('last-modified');
    return {
      kind: 'body',
      source: { ...src, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
    };
  }
}

function body(
  href: string,
  name: string,
  req: ClientRequest,
  res: IncomingMessage,
  length: number | undefined,
  limits: { timeoutMs: number; maxBytes: number },
  signal?: AbortSignal,
): HttpByteSource {
  let received = 0;
  const off = onAbort(signal, () =>
    res.destroy(
      new SourceError(
        `${href}: stopped after ${received.toLocaleString('en')} bytes`,
        href,
        undefined,
        'aborted',
      ),
    ),
  );
  // The request's socket timeout stays armed while the body streams: idle that long, and it fails.
  req.removeAllListeners('timeout');
  req.on('timeout', () =>
    res.destroy(
      new SourceError(
        `${href}: the transfer stalled (no data for ${limits.timeoutMs / 1000} s) after ${received.toLocaleString('en')} bytes`,
        href,
        undefined,
        'timeout',
      ),
    ),
  );
  req.on('error', () => {}); // surfaced through the response stream
  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of res) {
        const b = chunk as Buffer;
        received += b.length;
        if (received > limits.maxBytes)
          throw new SourceError(
            `${href}: body is over the ${limits.maxBytes.toLocaleString('en')}-byte limit`,
            href,
            undefined,
            'too-large',
          );
        yield b;
      }
    } catch (e) {
      if (e instanceof SourceError) throw e;
      throw new SourceError(
        `${href}: the connection failed after ${received.toLocaleString('en')} bytes: ${(e as Error).message}`,
        href,
      );
    } finally {
      off();
      req.destroy();
    }
    if (!res.complete || (length !== undefined && received < length))
      throw new SourceError(
        `${href}: the connection closed after ${received.toLocaleString('en')}${
          length !== undefined ? ` of ${length.toLocaleString('en')}` : ''
        } bytes`,
        href,
      );
  }
  return {
    name,
    finalUrl: href,
    ...(length !== undefined ? { size: length } : {}),
    chunks: chunks(),
    close: () => {
      req.destroy();
      res.destroy();
    },
  };
}
