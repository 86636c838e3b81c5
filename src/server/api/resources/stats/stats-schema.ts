/** The JSON schema of StatsReport (src/reports/stats/report.ts), for GET /v1/stats's serialiser. */

const compared = {
  type: 'object',
  required: ['current', 'previous', 'changePercent'],
  properties: {
    current: { type: 'integer' },
    previous: { type: 'integer' },
    changePercent: { type: ['number', 'null'], description: 'null when the previous figure is 0' },
  },
} as const;

const c2Row = {
  type: 'object',
  required: ['key', 'servers', 'hosts'],
  properties: { key: { type: ['string', 'null'] }, servers: compared, hosts: compared },
} as const;

const ownerRow = {
  type: 'object',
  required: ['kind', 'key', 'count'],
  properties: {
    kind: { type: 'string', enum: ['org', 'asn', 'unknown'] },
    key: { type: ['string', 'null'] },
    count: compared,
  },
} as const;

const period = {
  type: 'object',
  required: ['since', 'until', 'days'],
  properties: {
    since: { type: 'string' },
    until: { type: 'string' },
    days: { type: 'integer' },
    basis: { type: 'string' },
  },
} as const;

export const STATS_REPORT_SCHEMA = {
  type: 'object',
  required: ['period', 'previousPeriod', 'country', 'infectedHosts', 'c2ByCountry', 'totals', 'top'],
  properties: {
    period,
    previousPeriod: period,
    country: { type: ['string', 'null'] },
    infectedHosts: compared,
    hostsTalkingToC2Abroad: compared,
    c2ServersAbroad: compared,
    warninglistedExcluded: compared,
    compromisedWebsites: compared,
    c2ByCountry: { type: 'array', items: c2Row },
    c2ByFamily: { type: 'array', items: c2Row },
    c2ByAsn: { type: 'array', items: c2Row },
    topNetworks: { type: 'array', items: ownerRow },
    websitesByOwner: { type: 'array', items: ownerRow },
    totals: {
      type: 'object',
      properties: {
        c2Countries: { type: 'integer' },
        c2Families: { type: 'integer' },
        c2Asns: { type: 'integer' },
        networks: { type: 'integer' },
        websiteOwners: { type: 'integer' },
      },
    },
    top: { type: 'integer' },
  },
} as const;
