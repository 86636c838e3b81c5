/**
 * The two routes every stored record kind has: `GET /v1/<name>` (read-only), one page with the
 * common filters and cursor pagination, and `GET /v1/<name>/export?format=csv|json` (analyst),
 * every match streamed as an attachment. Observations and events differ only in what the spec
 * below gives: their schema, their queries and their CSV columns.
 */
import type Database from 'better-sqlite3';
import type { FastifyPluginAsync } from 'fastify';
import {
  encodeCursor,
  type ObservationFilter,
  type Page,
} from '../../../../storage/sqlite/observation-query.js';
import type { ApiDeps } from '../../deps.js';
import { cursorOf, errors, filterOf, filterQuerySchema, pageSchema, rejectUnknownQuery } from '../common.js';
import { attachment, EXPORT_TYPES, type ExportFormat, exportStream } from './export-stream.js';

export const FORMAT_PARAM = { type: 'string', enum: ['csv', 'json'], default: 'csv' } as const;

export interface ListingSpec<T> {
  /** Path segment, OpenAPI tag and export file name: "observations", "events". */
  readonly name: string;
  readonly itemSchema: object;
  readonly listSummary: string;
  readonly exportSummary: string;
  /** What the export's 200 answer holds (OpenAPI). */
  readonly exportDescription: string;
  readonly page: (
    db: Database.Database,
    filter: ObservationFilter,
    page: { readonly limit: number; readonly after?: number },
  ) => Page<T>;
  readonly batches: (db: Database.Database, filter: ObservationFilter) => Iterable<T[]>;
  readonly columns: readonly string[];
  readonly row: (item: T) => readonly unknown[];
}

export function listingRoutes<T>(spec: ListingSpec<T>): FastifyPluginAsync<ApiDeps> {
  return async (app, deps) => {
    app.addHook('preValidation', rejectUnknownQuery);
    const db = deps.store.db;
    app.get(
      `/v1/${spec.name}`,
      {
        config: { role: 'read-only' },
        schema: {
          tags: [spec.name],
          summary: spec.listSummary,
          querystring: filterQuerySchema(),
          response: { 200: pageSchema(spec.itemSchema), ...errors(400, 401, 403) },
        },
      },
      async (req) => {
        const q = req.query as Record<string, unknown>;
        const after = cursorOf(q.cursor as string | undefined);
        const page = spec.page(db, filterOf(q), {
          limit: q.limit as number,
          ...(after !== undefined ? { after } : {}),
        });
        return { items: page.items, next: page.next === null ? null : encodeCursor(page.next) };
      },
    );

    app.get(
      `/v1/${spec.name}/export`,
      {
        config: { role: 'analyst' },
        schema: {
          tags: [spec.name],
          summary: spec.exportSummary,
          querystring: filterQuerySchema({ format: FORMAT_PARAM }, false),
          response: {
            200: {
              description: spec.exportDescription,
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
        const format = q.format as ExportFormat;
        reply
          .type(EXPORT_TYPES[format])
          .header('Content-Disposition', attachment(spec.name, format, (deps.now ?? Date.now)()));
        return reply.send(
          exportStream(spec.batches(db, filterOf(q, ['format'])), format, spec.columns, spec.row),
        );
      },
    );
  };
}
