/**
 * GET /v1/partners and GET /v1/partners/:name (admin): partner CERTs, their sharing agreements and
 * the exchange balance by TLP (src/storage/sqlite/exchange-balance.ts says how it is counted:
 * `shared` is what the agreement releases to the partner now, `received` what it pushed to its
 * inbox). Credentials are never shown (only how many are active); remote TAXII settings name
 * the environment variables that hold secrets, never the secrets.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Partner } from '../../../../partners/partner.js';
import { exchangeBalance } from '../../../../storage/sqlite/exchange-balance.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { errors, rejectUnknownQuery } from '../common.js';

const strings = { type: 'array', items: { type: 'string' } } as const;
const COUNTS = {
  type: 'object',
  properties: {
    CLEAR: { type: 'integer' },
    GREEN: { type: 'integer' },
    AMBER: { type: 'integer' },
    'AMBER+STRICT': { type: 'integer' },
    RED: { type: 'integer' },
    unmarked: { type: 'integer' },
  },
} as const;

const PARTNER_SCHEMA = {
  type: 'object',
  required: ['name', 'country', 'identityId', 'agreement', 'inboxCollection', 'createdAt', 'exchange'],
  properties: {
    name: { type: 'string' },
    country: { type: 'string' },
    identityId: { type: 'string' },
    inboxCollection: { type: 'string' },
    createdAt: { type: 'string' },
    revokedAt: { type: ['string', 'null'] },
    agreement: {
      type: 'object',
      properties: {
        maxTlp: { type: 'string' },
        mayShareOnward: { type: 'boolean' },
        read: strings,
        write: strings,
        includeTypes: strings,
        excludeTypes: strings,
      },
    },
    remote: {
      type: ['object', 'null'],
      properties: {
        apiRoot: { type: 'string' },
        auth: { type: 'object', additionalProperties: true },
        pullCollection: { type: 'string' },
        pushCollection: { type: 'string' },
      },
    },
    credentials: { type: 'integer', description: 'active credentials' },
    exchange: { type: 'object', properties: { shared: COUNTS, received: COUNTS } },
  },
} as const;

export const partnersRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const view = async (p: Partner) => ({
    name: p.name,
    country: p.country,
    identityId: p.identityId,
    inboxCollection: p.inboxCollection,
    createdAt: p.createdAt,
    revokedAt: p.revokedAt ?? null,
    agreement: p.agreement,
    remote: p.remote ?? null,
    credentials: (await deps.partners.credentials(p.name)).filter((c) => !c.revokedAt).length,
    exchange: exchangeBalance(deps.store.db, p, deps.config?.defaultTlp),
  });

  app.get(
    '/v1/partners',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['partners'],
        summary: 'Partner CERTs, agreements and exchange balance by TLP',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            revoked: { type: 'boolean', default: false, description: 'include revoked partners' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: PARTNER_SCHEMA } },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const { revoked } = req.query as { revoked: boolean };
      const list = await deps.partners.list({ includeRevoked: revoked });
      return { items: await Promise.all(list.map(view)) };
    },
  );

  app.get(
    '/v1/partners/:name',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['partners'],
        summary: 'One partner, its agreement and exchange balance',
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 128 } },
        },
        response: { 200: PARTNER_SCHEMA, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { name } = req.params as { name: string };
      const p = await deps.partners.get(name);
      if (p === undefined) throw apiError('NOT_FOUND', `no partner named "${name}"`);
      return view(p);
    },
  );
};
