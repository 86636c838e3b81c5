/**
 * Log in, log out, who am I: POST /v1/auth/login, POST /v1/auth/logout, GET /v1/auth/me.
 *
 * Login answers one error for an unknown user, a wrong password and a disabled user (401
 * ACCORD_BAD_CREDENTIALS, after the same scrypt work), and failed logins are limited per client
 * address (IPv6 per /64) and per username (429 ACCORD_RATE_LIMITED with Retry-After), attempts in
 * flight counted. A success sets the `accord_session` cookie (HttpOnly, SameSite=Strict, Path=/,
 * Secure over https) and returns the CSRF token that state-changing requests must echo.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from '../../../taxii/server/auth.js';
import type { FailureLimiter } from '../../../taxii/server/rate-limit.js';
import type { ApiDeps } from '../deps.js';
import { apiError } from '../errors.js';
import { ROLES } from '../roles.js';
import { SESSION_COOKIE } from './authenticate.js';

export const USER_SCHEMA = {
  type: 'object',
  required: ['name', 'role'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, role: { type: 'string', enum: [...ROLES] } },
} as const;

const ME = {
  type: 'object',
  required: ['user', 'csrfToken'],
  properties: { user: USER_SCHEMA, csrfToken: { type: ['string', 'null'] } },
} as const;

const ERR = { $ref: 'ApiError#' } as const;

export interface AuthRoutesOptions {
  readonly deps: ApiDeps;
  readonly limiter: FailureLimiter;
}

function cookieOptions(req: FastifyRequest, deps: ApiDeps) {
  return {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/',
    secure: deps.config?.secureCookies === true || req.protocol === 'https',
  };
}

export async function authRoutes(app: FastifyInstance, o: AuthRoutesOptions): Promise<void> {
  const { deps, limiter } = o;
  const users = deps.users;

  app.post<{ Body: { username: string; password: string } }>(
    '/v1/auth/login',
    {
      config: { public: true },
      schema: {
        tags: ['auth'],
        summary: 'Log in with a password: sets the session cookie, returns the CSRF token',
        security: [],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', minLength: 1, maxLength: 200 },
            password: { type: 'string', minLength: 1, maxLength: 1024 },
          },
        },
        response: { 200: ME, 400: ERR, 401: ERR, 429: ERR },
      },
    },
    async (req, reply: FastifyReply) => {
      const { username, password } = req.body;
      const keys = [clientKey(req.ip), `user:${username.toLowerCase()}`];
      const wait = Math.max(...keys.map((k) => limiter.retryAfter(k)));
      if (wait > 0) {
        req.log.warn({ ip: req.ip }, 'api: failed logins limited');
        throw apiError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, undefined, {
          'Retry-After': String(wait),
        });
      }
      for (const k of keys) limiter.begin(k);
      let user: Awaited<ReturnType<typeof users.verifyPassword>>;
      try {
        user = await users.verifyPassword(username, password);
      } finally {
        for (const k of keys) limiter.end(k);
      }
      if (!user) {
        for (const k of keys) limiter.fail(k);
        req.log.info({ ip: req.ip }, 'api: login refused');
        throw apiError('BAD_CREDENTIALS', 'wrong username or password');
      }
      limiter.clear(`user:${username.toLowerCase()}`);
      const s = users.createSession(user.name);
      reply.setCookie(SESSION_COOKIE, s.token, cookieOptions(req, deps));
      req.log.info({ user: user.name }, 'api: logged in');
      return { user, csrfToken: s.csrfToken };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['auth'],
        summary: 'End the session (clears the cookie); with an API key, nothing to end',
        response: { 204: { type: 'null' }, 401: ERR, 403: ERR },
      },
    },
    async (req, reply) => {
      const auth = req.apiAuth;
      if (auth?.kind === 'session') users.deleteSession(auth.token);
      reply.clearCookie(SESSION_COOKIE, cookieOptions(req, deps));
      return reply.code(204).send();
    },
  );

  app.get(
    '/v1/auth/me',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['auth'],
        summary: 'The current user and the CSRF token of the session (null with an API key)',
        response: { 200: ME, 401: ERR },
      },
    },
    async (req) => ({
      user: req.user,
      csrfToken: req.apiAuth?.kind === 'session' ? req.apiAuth.session.csrfToken : null,
    }),
  );
}
