/**
 * GET /v1/knowledge?collection&type&limit&cursor and GET /v1/knowledge/:id?collection (read-only):
 * STIX objects of the knowledge store (latest versions), each released through mayRelease
 * (src/domain/tlp.ts) for the user's clearance: read-only users up to TLP:GREEN, analysts and
 * admins up to TLP:AMBER+STRICT, TLP:RED never through the API; an object without a TLP marking
 * counts as the deployment's default (AMBER). The store query selects only releasable levels (so
 * pages are full and cursors stable), and every object is checked again as it leaves. An object
 * the user may not read answers 404, as one that does not exist.
 */
import type { FastifyPluginAsync } from 'fastify';
import { mayRelease, releasableLevels } from '../../../../domain/tlp.js';
import { KNOWLEDGE_COLLECTION, type StoredObject } from '../../../../knowledge/knowledge-store.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { errors, PAGE_PARAMS, rejectUnknownQuery, userRecipient } from '../common.js';

export const STIX_ITEM_SCHEMA = {
  type: 'object',
  required: ['id', 'type', 'version', 'dateAdded', 'tlp', 'object'],
  properties: {
    id: { type: 'string' },
    type: { type: 'string' },
    version: { type: 'string' },
    dateAdded: { type: 'string' },
    tlp: { type: ['string', 'null'], description: 'its TLP marking (null: none; counts as the default)' },
    object: { type: 'object', additionalProperties: true, description: 'the STIX 2.1 object' },
  },
} as const;

export const stixItem = (o: StoredObject) => ({
  id: o.id,
  type: o.type,
  version: o.version,
  dateAdded: new Date(o.dateAdded).toISOString(),
  tlp: o.tlp ?? null,
  object: JSON.parse(o.json) as Record<string, unknown>,
});

const COLLECTION = {
  type: 'string',
  maxLength: 128,
  description: 'collection id (default: the knowledge collection)',
};

export const knowledgeRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const options = deps.config?.defaultTlp !== undefined ? { defaultTlp: deps.config.defaultTlp } : {};

  app.get(
    '/v1/knowledge',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['knowledge'],
        summary: "STIX objects (latest versions) the user's clearance may read",
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            collection: COLLECTION,
            type: { type: 'string', pattern: '^[a-z0-9-]{1,250}$', description: 'STIX type, e.g. indicator' },
            limit: PAGE_PARAMS.limit,
            cursor: PAGE_PARAMS.cursor,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next'],
            properties: {
              items: { type: 'array', items: STIX_ITEM_SCHEMA },
              next: { type: ['string', 'null'] },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query as { collection?: string; type?: string; limit: number; cursor?: string };
      const recipient = userRecipient(req.user);
      const page = await deps.knowledge.list(
        q.collection ?? KNOWLEDGE_COLLECTION,
        {
          ...(q.type !== undefined ? { types: [q.type] } : {}),
          tlp: releasableLevels(recipient, 'api', options),
        },
        { limit: q.limit, ...(q.cursor !== undefined ? { next: q.cursor } : {}) },
      );
      if (!page.ok)
        throw apiError('BAD_REQUEST', `querystring/cursor ${page.error}`, [
          { path: 'querystring/cursor', message: page.error },
        ]);
      return {
        items: page.value.items
          .filter((o) => mayRelease(o.markings, recipient, 'api', options))
          .map(stixItem),
        next: page.value.more ? (page.value.next ?? null) : null,
      };
    },
  );

  app.get(
    '/v1/knowledge/:id',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['knowledge'],
        summary: 'One STIX object (latest version), if the user may read it',
        params: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string', pattern: '^[a-z0-9-]+--[0-9a-fA-F-]{36}$' } },
        },
        querystring: { type: 'object', additionalProperties: false, properties: { collection: COLLECTION } },
        response: { 200: STIX_ITEM_SCHEMA, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const { collection } = req.query as { collection?: string };
      const o = await deps.knowledge.latest(collection ?? KNOWLEDGE_COLLECTION, id);
      if (o === undefined || !mayRelease(o.markings, userRecipient(req.user), 'api', options))
        throw apiError('NOT_FOUND', `no object ${id} you may read`);
      return stixItem(o);
    },
  );
};
