/**
 * Users administration (admin role): GET/POST /v1/users, PATCH /v1/users/:name (role, password),
 * DELETE /v1/users/:name (disables: sessions end, keys are revoked, the name stays taken),
 * GET/POST /v1/users/:name/keys (a new API key is shown once), DELETE /v1/users/:name/keys/:id.
 */
import type { FastifyInstance } from 'fastify';
import type { Result } from '../../../domain/result.js';
import type { ApiDeps } from '../deps.js';
import { apiError } from '../errors.js';
import { ROLES, type Role } from '../roles.js';
import type { ApiKeyInfo, UserInfo } from './sqlite-user-store.js';

const ERR = { $ref: 'ApiError#' } as const;
const ERRORS = { 400: ERR, 401: ERR, 403: ERR, 404: ERR, 409: ERR } as const;
const ADMIN = { role: 'admin' } as const;

const USER_INFO = {
  type: 'object',
  required: ['name', 'role', 'createdAt'],
  properties: {
    name: { type: 'string' },
    role: { type: 'string', enum: [...ROLES] },
    createdAt: { type: 'string' },
    disabledAt: { type: 'string' },
  },
} as const;

const KEY_INFO = {
  type: 'object',
  required: ['id', 'user', 'createdAt'],
  properties: {
    id: { type: 'string' },
    user: { type: 'string' },
    label: { type: 'string' },
    createdAt: { type: 'string' },
    revokedAt: { type: 'string' },
  },
} as const;

const NAME_PARAM = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', maxLength: 64 } },
} as const;

function unwrap<T>(r: Result<T>): T {
  if (r.ok) return r.value;
  if (r.error.startsWith('no user') || r.error.includes('has no API key'))
    throw apiError('NOT_FOUND', r.error);
  if (r.error.includes('exists already')) throw apiError('CONFLICT', r.error);
  if (r.error.includes('is disabled')) throw apiError('CONFLICT', r.error);
  throw apiError('BAD_REQUEST', r.error);
}

export async function usersRoutes(app: FastifyInstance, deps: ApiDeps): Promise<void> {
  const users = deps.users;

  app.get<{ Querystring: { all?: boolean } }>(
    '/v1/users',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'The users (disabled ones with all=true)',
        querystring: { type: 'object', properties: { all: { type: 'boolean' } } },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: USER_INFO } },
          },
          ...ERRORS,
        },
      },
    },
    async (req) => ({ items: users.list({ includeDisabled: req.query.all === true }) }),
  );

  app.post<{ Body: { name: string; role: Role; password?: string } }>(
    '/v1/users',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Add a user; without a password one is generated and returned (once)',
        body: {
          type: 'object',
          required: ['name', 'role'],
          additionalProperties: false,
          properties: {
            name: { type: 'string', maxLength: 64 },
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', maxLength: 1024 },
          },
        },
        response: {
          201: {
            type: 'object',
            required: ['user'],
            properties: { user: USER_INFO, password: { type: 'string' } },
          },
          ...ERRORS,
        },
      },
    },
    async (req, reply) => {
      const { name, role, password } = req.body;
      const added = unwrap(await users.add(name, role, password));
      req.log.info({ by: req.user.name, user: name, role }, 'api: user added');
      return reply
        .code(201)
        .send({ user: added.user, ...(password === undefined ? { password: added.password } : {}) });
    },
  );

  app.patch<{ Params: { name: string }; Body: { role?: Role; password?: string } }>(
    '/v1/users/:name',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: "Change a user's role or password (a new password ends the user's sessions)",
        params: NAME_PARAM,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            role: { type: 'string', enum: [...ROLES] },
            password: { type: 'string', maxLength: 1024 },
          },
        },
        response: { 200: { type: 'object', properties: { user: USER_INFO } }, ...ERRORS },
      },
    },
    async (req) => {
      const { name } = req.params;
      if (!users.get(name)) throw apiError('NOT_FOUND', `no user "${name}"`);
      if (req.body.password !== undefined) unwrap(await users.setPassword(name, req.body.password));
      const user: UserInfo =
        req.body.role !== undefined
          ? unwrap(users.setRole(name, req.body.role))
          : (users.get(name) as UserInfo);
      req.log.info({ by: req.user.name, user: name }, 'api: user changed');
      return { user };
    },
  );

  app.delete<{ Params: { name: string } }>(
    '/v1/users/:name',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Disable a user: sessions end and API keys are revoked at once',
        params: NAME_PARAM,
        response: { 204: { type: 'null' }, ...ERRORS },
      },
    },
    async (req, reply) => {
      if (req.params.name === req.user.name) throw apiError('CONFLICT', 'you cannot disable yourself');
      unwrap(users.disable(req.params.name));
      req.log.info({ by: req.user.name, user: req.params.name }, 'api: user disabled');
      return reply.code(204).send();
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/users/:name/keys',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: "A user's API keys (ids and dates; never the secrets)",
        params: NAME_PARAM,
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: KEY_INFO } },
          },
          ...ERRORS,
        },
      },
    },
    async (req) => {
      if (!users.get(req.params.name)) throw apiError('NOT_FOUND', `no user "${req.params.name}"`);
      return { items: users.listKeys(req.params.name) };
    },
  );

  app.post<{ Params: { name: string }; Body: { label?: string } | undefined }>(
    '/v1/users/:name/keys',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Issue an API key for a user: the key is in this answer and nowhere else, ever',
        params: NAME_PARAM,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { label: { type: 'string', maxLength: 200 } },
        },
        response: {
          201: {
            type: 'object',
            required: ['key', 'info'],
            properties: { key: { type: 'string' }, info: KEY_INFO },
          },
          ...ERRORS,
        },
      },
    },
    async (req, reply) => {
      const issued = unwrap(await users.issueKey(req.params.name, req.body?.label));
      req.log.info({ by: req.user.name, user: req.params.name, key: issued.info.id }, 'api: API key issued');
      return reply.code(201).send(issued);
    },
  );

  app.delete<{ Params: { name: string; id: string } }>(
    '/v1/users/:name/keys/:id',
    {
      config: ADMIN,
      schema: {
        tags: ['users'],
        summary: 'Revoke an API key (refused from the next request on)',
        params: {
          type: 'object',
          required: ['name', 'id'],
          properties: { name: { type: 'string', maxLength: 64 }, id: { type: 'string', maxLength: 64 } },
        },
        response: { 200: { type: 'object', properties: { info: KEY_INFO } }, ...ERRORS },
      },
    },
    async (req) => {
      const info: ApiKeyInfo = unwrap(users.revokeKey(req.params.name, req.params.id));
      req.log.info({ by: req.user.name, user: req.params.name, key: info.id }, 'api: API key revoked');
      return { info };
    },
  );
}
