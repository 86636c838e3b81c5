/**
 * The REST API's authentication and authorisation hook (onRequest, in the API's scope):
 *
 * 1. A route with `config.public: true` needs nobody. A route that declares neither `public` nor a
 *    `role` is refused (deny by default); an unknown URL goes on to the not-found handler.
 * 2. `Authorization: Bearer accu....` (an API key), else the `accord_session` cookie. Neither, or a
 *    bad one: 401 ACCORD_UNAUTHENTICATED. Bad API keys count as failed logins of the address
 *    (429 once limited).
 * 3. Cookie-authenticated POST/PUT/PATCH/DELETE must carry `X-CSRF-Token` = the session's token,
 *    else 403 ACCORD_CSRF. Bearer requests need none (a browser never adds that header by itself).
 * 4. The user's role must reach the route's: else 403 ACCORD_FORBIDDEN.
 *
 * Users, sessions and keys are read from the store on every request, so disabling a user, revoking
 * a key or logging out applies at the next request.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientKey } from '../../../taxii/server/auth.js';
import type { FailureLimiter } from '../../../taxii/server/rate-limit.js';
import { apiError } from '../errors.js';
import { type ApiUser, isRole, type Role, roleAllows } from '../roles.js';
import { type Session, SqliteUserStore } from './sqlite-user-store.js';

export const SESSION_COOKIE = 'accord_session';
export const CSRF_HEADER = 'x-csrf-token';

/** How the request was authenticated. */
export type ApiAuth =
  | { readonly kind: 'session'; readonly session: Session; readonly token: string }
  | { readonly kind: 'key'; readonly keyId: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The least role that may use the route. */
    role?: Role;
    /** No user needed (login, the OpenAPI document, the docs). */
    public?: boolean;
  }
  interface FastifyRequest {
    /** The authenticated user; set on every route that declares a role (null on public routes). */
    user: ApiUser;
    apiAuth: ApiAuth | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function bearer(header: string): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

export function authHook(users: SqliteUserStore, limiter: FailureLimiter) {
  return async (req: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (req.is404) return;
    const config = req.routeOptions.config;
    if (config.public === true) return;
    const need = config.role;
    if (!isRole(need)) throw apiError('FORBIDDEN', 'this route declares no role; it is closed');

    let user: ApiUser;
    const authz = req.headers.authorization;
    if (authz !== undefined) {
      const key = bearer(authz);
      const ipKey = clientKey(req.ip);
      // A key verified minutes ago skips the limits (parallel requests of a script, or a guesser
      // failing on purpose from the same address, must not lock it out); revocation is still checked.
      const known = key !== undefined && users.recentlyVerified(key);
      const wait = known ? 0 : limiter.retryAfter(ipKey);
      if (wait > 0)
        throw apiError('RATE_LIMITED', `too many failed logins; try again in ${wait} s`, undefined, {
          'Retry-After': String(wait),
        });
      if (!known) limiter.begin(ipKey);
      let verified: Awaited<ReturnType<SqliteUserStore['verifyKey']>>;
      try {
        verified = key !== undefined ? await users.verifyKey(key) : undefined;
      } finally {
        if (!known) limiter.end(ipKey);
      }
      if (!verified) {
        if (!known) limiter.fail(ipKey);
        req.log.info({ ip: req.ip }, 'api: API key refused');
        throw apiError('UNAUTHENTICATED', 'the API key is not valid (revoked, or its user disabled)');
      }
      user = verified.user;
      req.apiAuth = { kind: 'key', keyId: verified.keyId };
    } else {
      const token = req.cookies[SESSION_COOKIE];
      const session = token !== undefined ? users.session(token) : undefined;
      if (!session || token === undefined)
        throw apiError(
          'UNAUTHENTICATED',
          token === undefined
            ? 'authentication required: log in, or send Authorization: Bearer <API key>'
            : 'the session has ended; log in again',
        );
      if (UNSAFE.has(req.method)) {
        const given = req.headers[CSRF_HEADER];
        if (!SqliteUserStore.csrfMatches(session, typeof given === 'string' ? given : undefined))
          throw apiError('CSRF', 'missing or wrong X-CSRF-Token header (GET /api/v1/auth/me gives it)');
      }
      user = session.user;
      req.apiAuth = { kind: 'session', session, token };
    }
    req.user = user;
    if (!roleAllows(user.role, need))
      throw apiError('FORBIDDEN', `this needs the ${need} role; ${user.name} is ${user.role}`);
  };
}
