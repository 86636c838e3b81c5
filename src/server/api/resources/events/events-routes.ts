/**
 * GET /v1/events (read-only): stored events (each observation's sample, and every event of feeds
 * that keep them), newest stored first, with the common filters (on the event's observation; since
 * and until on the event's time; field.<name> on the event itself) and cursor pagination.
 * GET /v1/events/export?format=csv|json (analyst): every matching event, streamed; CSV columns are
 * id, observation, feed, seenAt and every harmonised field in schema order.
 */
import { FIELD_NAMES } from '../../../../domain/schema/fields.js';
import { type EventItem, eventBatches, queryEvents } from '../../../../storage/sqlite/observation-query.js';
import { EVENT_SCHEMA } from '../common.js';
import { listingRoutes } from '../observations/listing-routes.js';

const EVENT_COLUMNS = ['id', 'observation', 'feed', 'seenAt', ...FIELD_NAMES] as const;
const eventRow = (e: EventItem): unknown[] => [
  e.id,
  e.observation,
  e.feed,
  e.seenAt,
  ...FIELD_NAMES.map((f) => e.event[f]),
];

export const eventsRoutes = listingRoutes<EventItem>({
  name: 'events',
  itemSchema: EVENT_SCHEMA,
  listSummary: 'Events (newest stored first) with filters and cursor pagination',
  exportSummary: 'Every matching event as CSV or JSON lines, streamed (attachment)',
  exportDescription: 'CSV (header: id, observation, feed, seenAt, then every harmonised field) or JSON lines',
  page: queryEvents,
  batches: (db, filter) => eventBatches(db, filter),
  columns: EVENT_COLUMNS,
  row: eventRow,
});
