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
}

export interface HttpByteSource extends ByteSource {
  /** The URL the body came from, after redirects. */
  readonly finalUrl: string;
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
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export function isHttpUrl(spec: string): boolean {
  return /^https?:\/\//i.test(spec);
}

function get(
  url: URL,
  timeoutMs: number,
  headers: Readonly<Record<string, string>>,
): Promise<{ req: ClientRequest; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const start = async () => {
      const mod = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
      const req = mod.get(
        url,
        { timeout: timeoutMs, headers: { 'user-agent': 'accord', ...headers } },
        (res) => resolve({ req, res }),
      );
      req.on('timeout', () =>
        req.destroy(new SourceError(`${url.href}: no answer within ${timeoutMs / 1000} s`, url.href)),
      );
      req.on('error', (e) =>
        reject(e instanceof SourceError ? e : new SourceError(`${url.href}: ${e.message}`, url.href)),
      );
    };
    start().catch(reject);
  });
}

/** Open a URL. Throws SourceError (before any byte is ingested) when it cannot be read. */
export async function httpSource(spec: string, options: HttpSourceOptions = {}): Promise<HttpByteSource> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxBytes ?? 8 * 1024 ** 3;
  const maxRedirects = options.maxRedirects ?? 5;
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new SourceError(`${spec}: not a valid URL`, spec);
  }
  let redirects = 0;
  for (;;) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new SourceError(`${url.href}: only http and https URLs can be read`, spec);
    const { req, res } = await get(url, timeoutMs, options.headers ?? {});
    const status = res.statusCode ?? 0;
    if (REDIRECTS.has(status) && res.headers.location) {
      res.resume();
      req.destroy();
      if (++redirects > maxRedirects)
        throw new SourceError(
          `${spec}: more than ${maxRedirects} redirects (last to ${res.headers.location})`,
          spec,
        );
      try {
        url = new URL(res.headers.location, url);
      } catch {
        throw new SourceError(
          `${url.href}: redirect to an invalid URL "${res.headers.location}"`,
          spec,
          status,
        );
      }
      continue;
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
      );
    }
    return body(url.href, spec, req, res, length, { timeoutMs, maxBytes });
  }
}

function body(
  href: string,
  name: string,
  req: ClientRequest,
  res: IncomingMessage,
  length: number | undefined,
  limits: { timeoutMs: number; maxBytes: number },
): HttpByteSource {
  let received = 0;
  // The request's socket timeout stays armed while the body streams: idle that long, and it fails.
  req.removeAllListeners('timeout');
  req.on('timeout', () =>
    res.destroy(
      new SourceError(
        `${href}: the transfer stalled (no data for ${limits.timeoutMs / 1000} s) after ${received.toLocaleString('en')} bytes`,
        href,
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
