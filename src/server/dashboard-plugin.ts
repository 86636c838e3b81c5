/**
 * The dashboard (web/, built by Vite into dist/web) served at `/` by `accord serve`: its files by
 * @fastify/static, and for any other GET that is not under /api or /taxii2 the index.html, so the
 * single-page app's own routes (/pivot, /feeds...) load on a refresh. When dist/web/index.html is
 * missing (not built), `/` answers a short page saying how to build it. Every answer carries the
 * security headers (src/server/security-headers.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DASHBOARD_CSP, setSecurityHeaders } from './security-headers.js';

/** Where `npm run build` puts the dashboard (same path from src/ under tsx and from dist/). */
export const DEFAULT_DASHBOARD_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

export interface DashboardOptions {
  readonly root: string;
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Accord</title></head>
<body>
<h1>Accord</h1>
<p>The dashboard is not built. In the Accord directory run <code>npm run build</code>
(or only the dashboard: <code>npm run build:web</code>), then restart <code>accord serve</code>.</p>
<p>The REST API is served already: see <a href="/api/docs">/api/docs</a>. TAXII 2.1: <code>/taxii2/</code>.</p>
</body></html>
`;

/** Paths other interfaces own: never answered with the dashboard. */
const RESERVED = /^\/(api|taxii2)(\/|$|\?)/;

export async function dashboardPlugin(app: FastifyInstance, o: DashboardOptions): Promise<void> {
  const built = existsSync(join(o.root, 'index.html'));
  app.addHook('onSend', async (_req, reply, payload) => {
    setSecurityHeaders(reply, DASHBOARD_CSP);
    return payload;
  });

  const notFound = (req: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(404)
      .type('text/plain; charset=utf-8')
      .send(`not found: ${req.method} ${req.url.split('?')[0]}\n`);

  if (!built) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT),
    );
    app.setNotFoundHandler(notFound);
    return;
  }

  // One route per file found at start (wildcard: false), so unknown URLs reach the not-found
  // handlers by prefix: /api's and /taxii2's own, and this one for the rest.
  await app.register(fastifyStatic, { root: o.root, prefix: '/', wildcard: false, index: false });
  const index = async (_req: FastifyRequest, reply: FastifyReply) =>
    reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  app.get('/', index);
  app.setNotFoundHandler((req, reply) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && !RESERVED.test(req.url)) return index(req, reply);
    return notFound(req, reply);
  });
}
