/** The JSON schema of SituationReport (src/reports/situation/model.ts), for GET /v1/report's serialiser. */
import { STATS_REPORT_SCHEMA } from '../stats/stats-schema.js';

const period = {
  type: 'object',
  required: ['since', 'until', 'days'],
  properties: { since: { type: 'string' }, until: { type: 'string' }, days: { type: 'integer' } },
} as const;

const headline = {
  type: 'object',
  required: ['current', 'previous', 'changePercent', 'yearAgo', 'yearOnYearPercent'],
  properties: {
    current: { type: 'integer' },
    previous: { type: 'integer' },
    changePercent: { type: ['number', 'null'], description: 'null when the previous figure is 0' },
    yearAgo: { type: ['integer', 'null'], description: 'the same period a year before; null: no data then' },
    yearOnYearPercent: { type: ['number', 'null'] },
  },
} as const;

export const SITUATION_REPORT_SCHEMA = {
  type: 'object',
  required: [
    'kind',
    'generatedAt',
    'period',
    'country',
    'dataUntil',
    'headline',
    'stats',
    'yearOnYear',
    'c2Countries',
    'daily',
    'organisations',
  ],
  properties: {
    kind: { type: 'string', enum: ['accord-situation-report'] },
    generatedAt: { type: 'string' },
    period: {
      type: 'object',
      required: ['label', 'kind', 'title', 'current', 'previous', 'yearAgo'],
      properties: {
        label: { type: 'string' },
        kind: { type: 'string', enum: ['year', 'quarter', 'month', 'days'] },
        title: { type: 'string' },
        current: period,
        previous: period,
        yearAgo: period,
      },
    },
    country: { type: ['string', 'null'] },
    dataUntil: { type: ['string', 'null'] },
    headline: {
      type: 'object',
      required: [
        'infectedHosts',
        'hostsTalkingToC2Abroad',
        'c2ServersAbroad',
        'compromisedWebsites',
        'warninglistedExcluded',
      ],
      properties: {
        infectedHosts: headline,
        hostsTalkingToC2Abroad: headline,
        c2ServersAbroad: headline,
        compromisedWebsites: headline,
        warninglistedExcluded: headline,
      },
    },
    stats: STATS_REPORT_SCHEMA,
    yearOnYear: { anyOf: [STATS_REPORT_SCHEMA, { type: 'null' }] },
    c2Countries: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'servers', 'hosts'],
        properties: {
          key: { type: ['string', 'null'] },
          servers: { type: 'integer' },
          hosts: { type: 'integer' },
        },
      },
    },
    organisations: {
      type: 'object',
      description: 'name and sector of each constituency organisation in the tables, by id',
      additionalProperties: {
        type: 'object',
        required: ['name', 'sector'],
        properties: { name: { type: 'string' }, sector: { type: ['string', 'null'] } },
      },
    },
    daily: {
      type: 'array',
      items: {
        type: 'object',
        required: ['day', 'infectedHosts', 'c2ServersAbroad'],
        properties: {
          day: { type: 'string' },
          infectedHosts: { type: 'integer' },
          c2ServersAbroad: { type: 'integer' },
        },
      },
    },
  },
} as const;
