/**
 * GET /v1/observations (read-only): observations, newest first, with the common filters and
 * cursor pagination. GET /v1/observations/export?format=csv|json (analyst): every matching
 * observation, streamed.
 */
import type { FastifyPluginAsync } from 'fastify';
import {
  encodeCursor,
  type ObservationItem,
  observationBatches,
  queryObservations,
} from '../../../../storage/sqlite/observation-query.js';
import type { ApiDeps } from '../../deps.js';
import {
  cursorOf,
  errors,
  filterOf,
  filterQuerySchema,
  OBSERVATION_SCHEMA,
  pageSchema,
  rejectUnknownQuery,
} from '../common.js';
import { attachment, EXPORT_TYPES, type ExportFormat, exportStream } from './export-stream.js';

export const OBSERVATION_COLUMNS = [
  'key',
  'type',
  'source',
  'destinationIp',
  'destinationPort',
  'malware',
  'day',
  'count',
  'firstSeen',
  'lastSeen',
  'feed',
  'srcCc',
  'srcAsn',
  'srcOrg',
  'srcScope',
  'dstCc',
  'dstAsn',
  'dstOrg',
  'dstScope',
  'warninglist',
  'tlp',
] as const;

const observationRow = (o: ObservationItem): unknown[] => [
  o.key,
  o.type,
  o.source,
  o.destinationIp,
  o.destinationPort,
  o.malware,
  o.day,
  o.count,
  o.firstSeen,
  o.lastSeen,
  o.feed,
  o.src.cc,
  o.src.asn,
  o.src.org,
  o.src.scope,
  o.dst.cc,
  o.dst.asn,
  o.dst.org,
  o.dst.scope,
  o.warninglist,
  o.tlp,
];

export const FORMAT_PARAM = { type: 'string', enum: ['csv', 'json'], default: 'csv' } as const;

export const observationsRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const db = deps.store.db;
  app.get(
    '/v1/observations',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['observations'],
        summary: 'Observations (newest first) with filters and cursor pagination',
        querystring: filterQuerySchema(),
        response: { 200: pageSchema(OBSERVATION_SCHEMA), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query as Record<string, unknown>;
      const filter = filterOf(q);
      const after = cursorOf(q.cursor as string | undefined);
      const page = queryObservations(db, filter, {
        limit: q.limit as number,
        ...(after !== undefined ? { after } : {}),
      });
      return { items: page.items, next: page.next === null ? null : encodeCursor(page.next) };
    },
  );

  app.get(
    '/v1/observations/export',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['observations'],
        summary: 'Every matching observation as CSV or JSON lines, streamed (attachment)',
        querystring: filterQuerySchema({ format: FORMAT_PARAM }, false),
        response: {
          200: {
            description: 'CSV (text/csv, a header row) or JSON lines (application/x-ndjson), newest first',
            content: {
              'text/csv': { schema: { type: 'string' } },
              'application/x-ndjson': { schema: { type: 'string' } },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req, reply) => {
      const q = req.query as Record<string, unknown>;
      const filter = filterOf(q, ['format']);
      const format = q.format as ExportFormat;
      reply
        .type(EXPORT_TYPES[format])
        .header('Content-Disposition', attachment('observations', format, (deps.now ?? Date.now)()));
      return reply.send(
        exportStream(observationBatches(db, filter), format, OBSERVATION_COLUMNS, observationRow),
      );
    },
  );
};
