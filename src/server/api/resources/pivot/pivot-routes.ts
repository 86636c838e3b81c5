/**
 * GET /v1/pivot?q= (read-only): everything Accord knows about an IP, CIDR, ASN (AS123 or 123),
 * domain or malware family: the owner and contacts (constituency), geo (country, ASN, AS name as
 * stored with its observations), warninglist hits, the feeds that reported it, its observations,
 * the domestic hosts talking to it (a C2, a C2 network or AS, a family), the C2 servers it talks
 * to (a host, a network or AS, a family), sample events, and the STIX objects that mention it, each
 * released through mayRelease for the user's clearance (as /v1/knowledge).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ConstituencyOrg } from '../../../../components/enrichers/constituency/index.js';
import { newIpKey, setIpKey } from '../../../../components/enrichers/ranges/ip-key.js';
import { parseCidr, parseIp } from '../../../../domain/ip.js';
import { mayRelease } from '../../../../domain/tlp.js';
import {
  countObservations,
  type ObservationFilter,
  queryEvents,
  queryObservations,
} from '../../../../storage/sqlite/observation-query.js';
import {
  eitherSide,
  knowledgeMentioning,
  pivotC2s,
  pivotFeeds,
  pivotHosts,
  pivotWarninglists,
  sideCondition,
} from '../../../../storage/sqlite/pivot-query.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { EVENT_SCHEMA, errors, OBSERVATION_SCHEMA, rejectUnknownQuery, userRecipient } from '../common.js';
import { constituencyOf } from '../constituency/constituency-data.js';
import { STIX_ITEM_SCHEMA, stixItem } from '../knowledge/knowledge-routes.js';
import { parseAsn } from '../observations/filter-params.js';

export type PivotKind = 'ip' | 'cidr' | 'asn' | 'domain' | 'family';

const FQDN = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;
const FAMILY = /^[a-z0-9][a-z0-9 ._:+-]{0,127}$/;

/** What a query is, and its canonical value; undefined when it is none of the kinds. */
export function pivotKind(raw: string): { kind: PivotKind; value: string } | undefined {
  const q = raw.trim();
  const ip = parseIp(q);
  if (ip) return { kind: 'ip', value: ip.text };
  if (q.includes('/')) {
    const c = parseCidr(q);
    return typeof c === 'string' ? undefined : { kind: 'cidr', value: c.text };
  }
  if (/^(AS)?\d+$/i.test(q)) {
    const n = parseAsn(q);
    return n === undefined ? undefined : { kind: 'asn', value: String(n) };
  }
  const lower = q.toLowerCase().replace(/\.$/, '');
  if (lower.includes('.') && FQDN.test(lower)) return { kind: 'domain', value: lower };
  if (FAMILY.test(lower)) return { kind: 'family', value: lower };
  return undefined;
}

const LIMIT = 50;
const COUNT_CAP = 100_000;
const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
const list = (item: object) =>
  ({
    type: 'object',
    required: ['items', 'total'],
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer' },
      capped: { type: 'boolean', description: 'total is a lower bound' },
    },
  }) as const;

const HOST_SCHEMA = {
  type: 'object',
  properties: {
    host: { type: 'string' },
    observations: { type: 'integer' },
    firstDay: { type: 'string' },
    lastDay: { type: 'string' },
    family: nullable('string'),
    org: nullable('string'),
    cc: nullable('string'),
    asn: nullable('integer'),
  },
} as const;

const C2_SCHEMA = {
  type: 'object',
  properties: {
    c2: { type: 'string' },
    hosts: { type: 'integer' },
    firstDay: { type: 'string' },
    lastDay: { type: 'string' },
    family: nullable('string'),
    cc: nullable('string'),
    asn: nullable('integer'),
  },
} as const;

const PIVOT_SCHEMA = {
  type: 'object',
  required: [
    'query',
    'kind',
    'value',
    'owner',
    'geo',
    'warninglists',
    'feeds',
    'observations',
    'events',
    'stix',
  ],
  properties: {
    query: { type: 'string' },
    kind: { type: 'string', enum: ['ip', 'cidr', 'asn', 'domain', 'family'] },
    value: { type: 'string', description: 'the query in canonical form' },
    owner: {
      type: ['object', 'null'],
      properties: {
        org: { type: 'string' },
        name: { type: 'string' },
        sector: nullable('string'),
        contacts: { type: 'array', items: { type: 'string' } },
      },
    },
    geo: {
      type: ['object', 'null'],
      properties: { cc: nullable('string'), asn: nullable('integer'), asName: nullable('string') },
    },
    warninglists: { type: 'array', items: { type: 'string' } },
    feeds: {
      type: 'array',
      items: { type: 'object', properties: { feed: { type: 'string' }, count: { type: 'integer' } } },
    },
    observations: list(OBSERVATION_SCHEMA),
    hosts: list(HOST_SCHEMA),
    c2s: list(C2_SCHEMA),
    events: { type: 'array', items: EVENT_SCHEMA },
    stix: { type: 'array', items: STIX_ITEM_SCHEMA },
  },
} as const;

function filterFor(kind: PivotKind, value: string): ObservationFilter {
  switch (kind) {
    case 'ip':
      return { ip: value };
    case 'cidr':
      return { cidr: { text: value, version: value.includes(':') ? 6 : 4 } };
    case 'asn':
      return { asn: Number(value) };
    case 'family':
      return { family: value };
    case 'domain':
      return { fields: [{ name: 'source.fqdn', value }] };
  }
}

export const pivotRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const db = deps.store.db;
  const options = deps.config?.defaultTlp !== undefined ? { defaultTlp: deps.config.defaultTlp } : {};
  const geoStatement = db.prepare(
    `SELECT CASE WHEN o.source = ? THEN o.src_cc ELSE o.dst_cc END AS cc,
            CASE WHEN o.source = ? THEN o.src_asn ELSE o.dst_asn END AS asn,
            json_extract(e.data, CASE WHEN o.source = ? THEN '$."source.as_name"' ELSE '$."destination.as_name"' END) AS asName
     FROM observations o LEFT JOIN events e ON e.rowid = o.sample
     WHERE o.source = ? OR o.destination_ip = ? ORDER BY o.rowid DESC LIMIT 1`,
  );

  app.get(
    '/v1/pivot',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['pivot'],
        summary: 'Everything known about an IP, CIDR, ASN, domain or family',
        querystring: {
          type: 'object',
          required: ['q'],
          additionalProperties: false,
          properties: {
            q: {
              type: 'string',
              minLength: 1,
              maxLength: 256,
              description: 'IP, CIDR, ASN (AS123), domain or family',
            },
            country: {
              type: 'string',
              pattern: '^[A-Za-z]{2}$',
              description: 'national country (default ACCORD_COUNTRY)',
            },
          },
        },
        response: { 200: PIVOT_SCHEMA, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const { q, country: countryParam } = req.query as { q: string; country?: string };
      const k = pivotKind(q);
      if (k === undefined)
        throw apiError('BAD_REQUEST', 'querystring/q is not an IP, CIDR, ASN, domain or family name', [
          { path: 'querystring/q', message: 'is not an IP, CIDR, ASN, domain or family name' },
        ]);
      const country = countryParam?.toUpperCase() ?? (process.env.ACCORD_COUNTRY || undefined);
      const filter = filterFor(k.kind, k.value);
      const constituency = await constituencyOf(deps);

      // Owner: the constituency's answer for the value itself, else the org stored with it.
      let org: ConstituencyOrg | undefined;
      if (constituency) {
        if (k.kind === 'ip') {
          const key = newIpKey();
          if (setIpKey(key, k.value)) org = constituency.byIp(key);
        } else if (k.kind === 'cidr') {
          org = [...constituency.orgs.values()].find((o) => o.cidrs.includes(k.value));
          if (org === undefined) {
            const key = newIpKey();
            if (setIpKey(key, k.value.split('/')[0] ?? '')) org = constituency.byIp(key);
          }
        } else if (k.kind === 'asn') org = constituency.byAsn(Number(k.value));
        else if (k.kind === 'domain') org = constituency.byDomain(k.value);
      }

      const observations = queryObservations(db, filter, { limit: LIMIT });
      const count = countObservations(db, filter, COUNT_CAP);
      if (org === undefined && constituency && k.kind === 'ip') {
        const stored = observations.items.find((o) => o.src.org !== null || o.dst.org !== null);
        const id = stored ? (stored.source === k.value ? stored.src.org : stored.dst.org) : null;
        if (id) org = constituency.orgs.get(id);
      }

      let geo: { cc: string | null; asn: number | null; asName: string | null } | null = null;
      if (k.kind === 'ip') {
        const g = geoStatement.get(k.value, k.value, k.value, k.value, k.value) as typeof geo | undefined;
        geo = g ?? null;
      } else if (k.kind === 'asn') geo = { cc: null, asn: Number(k.value), asName: null };

      const either = eitherSide(filter);
      const c2Side = sideCondition(filter, 'dst');
      const hostSide = sideCondition(filter, 'src');
      const recipient = userRecipient(req.user);
      const mentions = k.kind === 'asn' ? [`AS${k.value}`] : [k.value];
      const stix = [];
      for (const m of knowledgeMentioning(db, mentions, LIMIT * 4)) {
        const o = await deps.knowledge.latest(m.collection, m.id);
        if (o !== undefined && mayRelease(o.markings, recipient, 'api', options)) stix.push(stixItem(o));
        if (stix.length >= LIMIT) break;
      }
      return {
        query: q,
        kind: k.kind,
        value: k.value,
        owner: org
          ? { org: org.id, name: org.name, sector: org.sector ?? null, contacts: [...org.abuse] }
          : null,
        geo,
        warninglists: either ? pivotWarninglists(db, either) : [],
        feeds: either ? pivotFeeds(db, either) : [],
        observations: { items: observations.items, ...count },
        ...(c2Side && k.kind !== 'domain' ? { hosts: pivotHosts(db, c2Side, country, LIMIT) } : {}),
        ...(hostSide && k.kind !== 'domain' ? { c2s: pivotC2s(db, hostSide, LIMIT) } : {}),
        events: queryEvents(db, filter, { limit: 10 }).items,
        stix,
      };
    },
  );
};
