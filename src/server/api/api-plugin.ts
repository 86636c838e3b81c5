/**
 * The REST API as a Fastify plugin (register it with { prefix: API_PREFIX } and the ApiDeps as
 * options): cookies, the OpenAPI 3 document and swagger-ui at /api/docs, the error and not-found
 * handlers (one error body, src/server/api/errors.ts), security headers, the authentication hook
 * (src/server/api/auth/authenticate.ts), the auth and users routes, then every resource plugin in
 * src/server/api/resources/index.ts.
 *
 * Deny by default: a route must declare `config: { role }` or `config: { public: true }`; the docs'
 * own routes are marked public here as they are registered.
 */
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_RATE_LIMIT, FailureLimiter } from '../../taxii/server/rate-limit.js';
import { API_CSP, DOCS_CSP, setSecurityHeaders } from '../security-headers.js';
import { authRoutes } from './auth/auth-routes.js';
import { authHook, SESSION_COOKIE } from './auth/authenticate.js';
import { usersRoutes } from './auth/users-routes.js';
import type { ApiDeps } from './deps.js';
import { apiErrorHandler, apiNotFoundHandler, ERROR_SCHEMA } from './errors.js';
import { RESOURCES } from './resources/index.js';
import type { ApiUser } from './roles.js';

export const API_PREFIX = '/api';
export const DOCS_PATH = '/docs';
export const API_BODY_LIMIT = 1024 * 1024;

export async function apiPlugin(app: FastifyInstance, options: ApiDeps): Promise<void> {
  // Fastify hands the plugin its registration options (prefix...): the children get the deps only.
  const { prefix: _prefix, ...deps } = options as ApiDeps & { prefix?: string };
  const limiter = new FailureLimiter(deps.config?.rateLimit ?? DEFAULT_RATE_LIMIT, deps.now ?? Date.now);
  const docsPrefix = `${app.prefix}${DOCS_PATH}`;

  // The docs' routes (swagger-ui's) are public: they describe, they hold no data.
  app.addHook('onRoute', (route) => {
    if (route.url === docsPrefix || route.url.startsWith(`${docsPrefix}/`))
      if (route.config) Object.assign(route.config, { public: true });
      else route.config = { public: true };
  });

  // null until the hook sets it (public routes keep null).
  app.decorateRequest('user', null as unknown as ApiUser);
  app.decorateRequest('apiAuth', null);
  await app.register(fastifyCookie);
  app.addSchema(ERROR_SCHEMA);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Accord API',
        description:
          'The REST API of Accord. Log in (POST /api/v1/auth/login) for a session cookie, then send ' +
          'X-CSRF-Token on POST/PUT/PATCH/DELETE; or send Authorization: Bearer <API key>. See docs/api.md.',
        version: '1',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiKey: { type: 'http', scheme: 'bearer', description: 'accu.<id>.<secret>' },
        },
      },
      security: [{ session: [] }, { apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PATH });

  // JSON bodies only, and small: nothing the API takes is large (the app-wide ceiling is TAXII's).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: API_BODY_LIMIT },
    app.getDefaultJsonParser('error', 'error'),
  );
  app.setErrorHandler(apiErrorHandler);
  app.setNotFoundHandler(apiNotFoundHandler);
  app.addHook('onRequest', authHook(deps.users, limiter));
  app.addHook('onSend', async (req, reply, payload) => {
    const path = req.url.split('?')[0] ?? '';
    const docsPage = path.startsWith(docsPrefix) && !path.startsWith(`${docsPrefix}/json`);
    setSecurityHeaders(reply, docsPage ? DOCS_CSP : API_CSP);
    if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  await app.register(authRoutes, { deps, limiter });
  await app.register(usersRoutes, deps);
  for (const resource of RESOURCES) await app.register(resource, deps);
}
