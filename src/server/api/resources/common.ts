/**
 * What the resource plugins share: pagination parameters and cursors, the common filters read
 * from a querystring (400 naming the parameter), the recipient a user is for mayRelease, and the
 * JSON schemas of shared shapes.
 */
import type { FastifyRequest } from 'fastify';
import type { Recipient } from '../../../domain/tlp.js';
import { decodeCursor, type ObservationFilter } from '../../../storage/sqlite/observation-query.js';
import { apiError } from '../errors.js';
import { type ApiUser, ROLE_CLEARANCE } from '../roles.js';
import { FILTER_PARAMS, parseFilterParams } from './observations/filter-params.js';

export const MAX_LIMIT = 1000;

export const PAGE_PARAMS = {
  limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 100, description: 'items per page' },
  cursor: { type: 'string', maxLength: 200, description: 'the `next` of the previous page' },
} as const;

/** Querystring schema: the common filters, field.<name>, pagination and `extra` properties. */
export function filterQuerySchema(extra: Record<string, unknown> = {}, paged = true) {
  return {
    type: 'object',
    properties: { ...FILTER_PARAMS, ...(paged ? PAGE_PARAMS : {}), ...extra },
    patternProperties: { '^field\\.': { type: 'string' } },
  } as const;
}

const bad = (param: string, message: string) =>
  apiError('BAD_REQUEST', `querystring/${param} ${message}`, [{ path: `querystring/${param}`, message }]);

/** The rowid a cursor continues after, or a 400 naming `cursor`. */
export function cursorOf(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (after === undefined) throw bad('cursor', 'is not a cursor this API gave');
  return after;
}

/** The common filters of a querystring; unknown parameters (beyond `known`) are refused by name. */
export function filterOf(
  query: Readonly<Record<string, unknown>>,
  known: readonly string[] = [],
): ObservationFilter {
  for (const k of Object.keys(query))
    if (!(k in FILTER_PARAMS) && !(k in PAGE_PARAMS) && !known.includes(k) && !k.startsWith('field.'))
      throw bad(k, 'is not a parameter of this route');
  const r = parseFilterParams(query);
  if (!r.ok) throw bad(r.error.param, r.error.message);
  return r.value;
}

/**
 * The recipient a user of the API is for the release policy (src/domain/tlp.ts mayRelease): an
 * organisation member cleared up to their role's level (read-only: GREEN; analyst and admin:
 * AMBER+STRICT) who does not pass things on. RED never leaves through the API.
 */
export function userRecipient(user: ApiUser): Recipient {
  return { kind: 'constituency', maxTlp: ROLE_CLEARANCE[user.role], mayShareOnward: false };
}

const nullable = (type: string) => ({ type: [type, 'null'] }) as const;

export const ENDPOINT_SCHEMA = {
  type: 'object',
  properties: {
    cc: nullable('string'),
    asn: nullable('integer'),
    org: nullable('string'),
    scope: nullable('string'),
  },
} as const;

export const OBSERVATION_SCHEMA = {
  type: 'object',
  required: ['key', 'type', 'source', 'day', 'count', 'firstSeen', 'lastSeen'],
  properties: {
    key: { type: 'string', description: 'observation key (hex)' },
    type: { type: 'string' },
    source: { type: 'string' },
    destinationIp: nullable('string'),
    destinationPort: nullable('integer'),
    malware: nullable('string'),
    day: { type: 'string' },
    count: { type: 'integer' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    feed: nullable('string'),
    src: ENDPOINT_SCHEMA,
    dst: ENDPOINT_SCHEMA,
    warninglist: { type: 'boolean' },
    tlp: nullable('string'),
  },
} as const;

export const EVENT_SCHEMA = {
  type: 'object',
  required: ['id', 'observation', 'feed', 'seenAt', 'event'],
  properties: {
    id: { type: 'string' },
    observation: { type: 'string' },
    feed: { type: 'string' },
    seenAt: { type: 'string' },
    event: { type: 'object', additionalProperties: true, description: 'the harmonised event' },
  },
} as const;

export const pageSchema = (item: object) =>
  ({
    type: 'object',
    required: ['items', 'next'],
    properties: { items: { type: 'array', items: item }, next: nullable('string') },
  }) as const;

/** Error responses of a route, by status (the body of src/server/api/errors.ts). */
export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'ApiError#' }]));

/**
 * preValidation hook: refuse querystring parameters the route's schema does not name (Fastify's
 * validator would drop them silently, so a typo such as `contry=AT` would widen the answer).
 */
export async function rejectUnknownQuery(req: FastifyRequest): Promise<void> {
  const schema = req.routeOptions.schema?.querystring as
    | { properties?: Record<string, unknown>; patternProperties?: Record<string, unknown> }
    | undefined;
  if (schema === undefined || req.query === null || typeof req.query !== 'object') return;
  const patterns = Object.keys(schema.patternProperties ?? {}).map((p) => new RegExp(p));
  for (const k of Object.keys(req.query as object))
    if (!(k in (schema.properties ?? {})) && !patterns.some((p) => p.test(k)))
      throw bad(k, 'is not a parameter of this route');
}
