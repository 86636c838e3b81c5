/**
 * GET /v1/events (read-only): stored events (each observation's sample, and every event of feeds
 * that keep them), newest stored first, with the common filters (on the event's observation; since
 * and until on the event's time; field.<name> on the event itself) and cursor pagination.
 * GET /v1/events/export?format=csv|json (analyst): every matching event, streamed; CSV columns are
 * id, observation, feed, seenAt and every harmonised field in schema order.
 */
import type { FastifyPluginAsync } from 'fastify';
import { FIELD_NAMES } from '../../../../domain/schema/fields.js';
import {
  type EventItem,
  encodeCursor,
  eventBatches,
  queryEvents,
} from '../../../../storage/sqlite/observation-query.js';
import type { ApiDeps } from '../../deps.js';
import {
  cursorOf,
  EVENT_SCHEMA,
  errors,
  filterOf,
  filterQuerySchema,
  pageSchema,
  rejectUnknownQuery,
} from '../common.js';
import { attachment, EXPORT_TYPES, type ExportFormat, exportStream } from '../observations/export-stream.js';
import { FORMAT_PARAM } from '../observations/observations-routes.js';

const EVENT_COLUMNS = ['id', 'observation', 'feed', 'seenAt', ...FIELD_NAMES] as const;
const eventRow = (e: EventItem): unknown[] => [
  e.id,
  e.observation,
  e.feed,
  e.seenAt,
  ...FIELD_NAMES.map((f) => e.event[f]),
];

export const eventsRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const db = deps.store.db;
  app.get(
    '/v1/events',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['events'],
        summary: 'Events (newest stored first) with filters and cursor pagination',
        querystring: filterQuerySchema(),
        response: { 200: pageSchema(EVENT_SCHEMA), ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query as Record<string, unknown>;
      const filter = filterOf(q);
      const after = cursorOf(q.cursor as string | undefined);
      const page = queryEvents(db, filter, {
        limit: q.limit as number,
        ...(after !== undefined ? { after } : {}),
      });
      return { items: page.items, next: page.next === null ? null : encodeCursor(page.next) };
    },
  );

  app.get(
    '/v1/events/export',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['events'],
        summary: 'Every matching event as CSV or JSON lines, streamed (attachment)',
        querystring: filterQuerySchema({ format: FORMAT_PARAM }, false),
        response: {
          200: {
            description:
              'CSV (header: id, observation, feed, seenAt, then every harmonised field) or JSON lines',
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
        .header('Content-Disposition', attachment('events', format, (deps.now ?? Date.now)()));
      return reply.send(exportStream(eventBatches(db, filter), format, EVENT_COLUMNS, eventRow));
    },
  );
};
