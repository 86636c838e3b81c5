/**
 * GET /v1/observations (read-only): observations, newest first, with the common filters and
 * cursor pagination. GET /v1/observations/export?format=csv|json (analyst): every matching
 * observation, streamed.
 */
import {
  type ObservationItem,
  observationBatches,
  queryObservations,
} from '../../../../storage/sqlite/observation-query.js';
import { OBSERVATION_SCHEMA } from '../common.js';
import { listingRoutes } from './listing-routes.js';

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

export const observationsRoutes = listingRoutes<ObservationItem>({
  name: 'observations',
  itemSchema: OBSERVATION_SCHEMA,
  listSummary: 'Observations (newest first) with filters and cursor pagination',
  exportSummary: 'Every matching observation as CSV or JSON lines, streamed (attachment)',
  exportDescription: 'CSV (text/csv, a header row) or JSON lines (application/x-ndjson), newest first',
  page: queryObservations,
  batches: (db, filter) => observationBatches(db, filter),
  columns: OBSERVATION_COLUMNS,
  row: observationRow,
});
