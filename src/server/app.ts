/**
 * The Accord HTTP server: one Fastify instance on which each interface registers as a plugin
 * under its own prefix: TAXII 2.1 (src/taxii/server) at /taxii2, the REST API (src/server/api) at
 * /api when `api` is given, the dashboard (dashboard-plugin.ts) at / when `dashboard` is given. Each plugin owns its hooks, parsers, error and not-found handlers
 * (Fastify encapsulation), so TAXII's media type and authentication never leak onto the others.
 *
 * Two kinds of bad request never reach a plugin, and are answered here: a URL Fastify cannot route
 * (bad percent-encoding, a path parameter longer than maxParamLength) and a request Node cannot
 * even parse (headers above its size limit, broken HTTP). Both get a TAXII error body (for the
 * second the URL is not even known). Neither names a resource, so answering before authentication
 * tells nothing.
 */
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Logger } from '../logging/logger.js';
import { sendError, taxiiError } from '../taxii/server/errors.js';
import { TAXII_MEDIA_TYPE } from '../taxii/server/media.js';
import { TAXII_PREFIX, type TaxiiServerOptions, taxiiPlugin } from '../taxii/server/taxii-plugin.js';
import { API_PREFIX, apiPlugin } from './api/api-plugin.js';
import type { ApiDeps } from './api/deps.js';
import { apiError, sendApiError } from './api/errors.js';
import { type DashboardOptions, dashboardPlugin } from './dashboard-plugin.js';

export interface AppOptions {
  /** pino logger for request and server logs; none when absent (tests). */
  readonly logger?: Logger;
  /** Serve HTTPS with this certificate and key (PEM). */
  readonly https?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /**
   * Reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client.
   * None by default: the client is the socket's peer. Behind a proxy without it, every client has
   * the proxy's address, and failed logins of one would be limited for all.
   */
  readonly trustProxy?: string;
  readonly taxii: TaxiiServerOptions;
  /** Mount the REST API (src/server/api) at /api over these dependencies. */
  readonly api?: ApiDeps;
  /** Serve the dashboard (dist/web) at `/` with a fallback to its index.html. */
  readonly dashboard?: DashboardOptions;
  /** More interfaces to mount beside TAXII (REST API, dashboard): plugin and prefix. */
  readonly plugins?: ReadonlyArray<{ readonly plugin: FastifyPluginAsync; readonly prefix: string }>;
}

/** The longest path parameter routed (collection, object and status ids are far shorter). */
export const MAX_PARAM_LENGTH = 200;

/** Answer a request Node could not parse, on the raw socket (Fastify's own handler answers in plain JSON). */
function clientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const status =
    err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const description =
    status === 431
      ? 'the request headers are larger than this server accepts'
      : status === 408
        ? 'the request did not arrive in time'
        : 'the request is not well-formed HTTP';
  const body = JSON.stringify(taxiiError(status, description));
  socket.end(
    `HTTP/1.1 ${status} ${taxiiError(status, '').title}\r\nContent-Type: ${TAXII_MEDIA_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function buildApp(o: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(o.logger ? { loggerInstance: o.logger } : { logger: false }),
    ...(o.https ? { https: { cert: o.https.cert, key: o.https.key } } : {}),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH },
    // Bodies are limited per plugin (TAXII: max_content_length); this is the ceiling for all.
    bodyLimit: Math.max(o.taxii.maxContentLength ?? 0, 10 * 1024 * 1024),
    trustProxy: o.trustProxy ?? false,
    frameworkErrors: (error, req, reply) => {
      const path = req.url ?? '';
      if (
        o.api &&
        (path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) || path.startsWith(`${API_PREFIX}?`))
      )
        return sendApiError(
          reply,
          error.code === 'FST_ERR_MAX_PARAM_LENGTH'
            ? apiError('NOT_FOUND', 'no such resource (an id in the path is too long)')
            : apiError('BAD_REQUEST', 'the URL is not well-formed'),
        );
      const status = error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? 404 : 400;
      const description =
        status === 404
          ? 'no such TAXII resource (an id in the path is too long)'
          : 'the URL is not well-formed';
      // TAXII's body for everything else; a plugin mounted later with its own error shape adds its branch above.
      return sendError(reply, status, description);
    },
    clientErrorHandler: clientError,
  }) as unknown as FastifyInstance;
  await app.register(taxiiPlugin, { ...o.taxii, prefix: TAXII_PREFIX });
  if (o.api) await app.register(apiPlugin, { ...o.api, prefix: API_PREFIX });
  for (const p of o.plugins ?? []) await app.register(p.plugin, { prefix: p.prefix });
  if (o.dashboard) await app.register(dashboardPlugin, o.dashboard);
  return app;
}
