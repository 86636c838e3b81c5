/**
 * GET /v1/quarantine?feed&limit&cursor (analyst): quarantined records, oldest first, with reason
 * and raw text; GET /v1/quarantine/:id (analyst): one record, with its exact bytes (base64) when
 * the raw text was not valid UTF-8. Records can hold anything a feed sent, hence analyst.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { QuarantineRecord } from '../../../../storage/store.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { errors, PAGE_PARAMS, rejectUnknownQuery } from '../common.js';

const RECORD_SCHEMA = {
  type: 'object',
  required: ['id', 'at', 'feed', 'source', 'format', 'line', 'reason', 'raw'],
  properties: {
    id: { type: 'string' },
    at: { type: 'string' },
    feed: { type: 'string' },
    source: { type: 'string' },
    format: { type: 'string' },
    line: { type: 'integer' },
    reason: { type: 'string' },
    field: { type: 'string' },
    raw: { type: 'string' },
    bytes: {
      type: 'string',
      description: 'base64 of the exact bytes, when not valid UTF-8 (one record only)',
    },
  },
} as const;

const ID = '^[0-9a-f]{24}$';

const view = (r: QuarantineRecord, withBytes: boolean) => ({
  id: r.id,
  at: r.at,
  feed: r.feed,
  source: r.source,
  format: r.format,
  line: r.line,
  reason: r.reason,
  ...(r.field !== undefined ? { field: r.field } : {}),
  raw: r.raw,
  ...(withBytes && r.bytes !== undefined ? { bytes: r.bytes.toString('base64') } : {}),
});

export const quarantineRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  app.get(
    '/v1/quarantine',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['quarantine'],
        summary: 'Quarantined records (oldest first), with reasons and raw lines',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            feed: { type: 'string', minLength: 1, maxLength: 256 },
            limit: PAGE_PARAMS.limit,
            cursor: { type: 'string', pattern: ID, description: 'the `next` of the previous page' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['items', 'next'],
            properties: {
              items: { type: 'array', items: RECORD_SCHEMA },
              next: { type: ['string', 'null'] },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query as { feed?: string; limit: number; cursor?: string };
      if (q.cursor !== undefined && (await deps.store.getQuarantine(q.cursor)) === undefined)
        throw apiError('BAD_REQUEST', 'querystring/cursor is not a cursor this API gave', [
          { path: 'querystring/cursor', message: 'is not a cursor this API gave' },
        ]);
      const rows = await deps.store.listQuarantine({
        ...(q.feed !== undefined ? { feed: q.feed } : {}),
        ...(q.cursor !== undefined ? { after: q.cursor } : {}),
        limit: q.limit + 1,
      });
      const more = rows.length > q.limit;
      if (more) rows.length = q.limit;
      return {
        items: rows.map((r) => view(r, false)),
        next: more ? (rows[rows.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/v1/quarantine/:id',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['quarantine'],
        summary: 'One quarantined record with its raw text',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: ID } } },
        response: { 200: RECORD_SCHEMA, ...errors(400, 401, 403, 404) },
      },
    },
    async (req) => {
      const { id } = req.params as { id: string };
      const r = await deps.store.getQuarantine(id);
      if (r === undefined) throw apiError('NOT_FOUND', `no quarantined record ${id}`);
      return view(r, true);
    },
  );
};
