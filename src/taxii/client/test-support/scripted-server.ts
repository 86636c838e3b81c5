/**
 * A node:http server on 127.0.0.1 (port 0) that answers each request as a test script says: for
 * behaviour only a misbehaving TAXII server shows (429/503 with Retry-After, a dropped connection,
 * a wrong media type, `more` without `next`). Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TAXII_MEDIA_TYPE } from '../media.js';

export interface Recorded {
  readonly method: string;
  /** Path and query. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is; anything else as JSON. Default content type: TAXII 2.1. */
  readonly body?: unknown;
}

/** 'drop': close the connection without an answer; 'cut': send headers and half a body, then close. */
export type Script = (req: Recorded, n: number) => Reply | 'drop' | 'cut' | Promise<Reply | 'drop' | 'cut'>;

export interface ScriptedServer {
  /** http://127.0.0.1:PORT (no trailing slash). */
  readonly url: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

export async function startScriptedServer(script: Script): Promise<ScriptedServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const rec: Recorded = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(rec);
      let r: Reply | 'drop' | 'cut';
      try {
        r = await script(rec, requests.length);
      } catch (e) {
        r = { status: 500, body: { title: 'script error', description: String(e) } };
      }
      if (r === 'drop') {
        req.socket.destroy();
        return;
      }
      if (r === 'cut') {
        res.writeHead(200, { 'Content-Type': TAXII_MEDIA_TYPE, 'Content-Length': '1000' });
        res.write('{"more":false,"objects":[');
        setTimeout(() => req.socket.destroy(), 10);
        return;
      }
      const body = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
      res.writeHead(r.status ?? 200, { 'Content-Type': TAXII_MEDIA_TYPE, ...r.headers });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
