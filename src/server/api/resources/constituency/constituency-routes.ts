/**
 * GET /v1/constituency (read-only): the organisations of the constituency the server's config
 * declares (id, name, sector, networks, ASNs, domains, abuse contacts, preferred language and
 * format), and the national countries. Empty when the config has no constituency enricher.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../../deps.js';
import { errors, rejectUnknownQuery } from '../common.js';
import { constituencyOf } from './constituency-data.js';

const strings = { type: 'array', items: { type: 'string' } } as const;

export const ORG_SCHEMA = {
  type: 'object',
  required: ['id', 'name', 'cidrs', 'asns', 'domains', 'contacts'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    sector: { type: ['string', 'null'] },
    cidrs: strings,
    asns: { type: 'array', items: { type: 'integer' } },
    domains: strings,
    contacts: strings,
    language: { type: ['string', 'null'] },
    format: { type: ['string', 'null'] },
  },
} as const;

export const constituencyRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  app.get(
    '/v1/constituency',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['constituency'],
        summary: 'The constituency organisations declared in the server configuration',
        response: {
          200: {
            type: 'object',
            required: ['items', 'nationalCountries'],
            properties: { items: { type: 'array', items: ORG_SCHEMA }, nationalCountries: strings },
          },
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const c = await constituencyOf(deps);
      if (c === undefined) return { items: [], nationalCountries: [] };
      return {
        items: [...c.orgs.values()]
          .map((o) => ({
            id: o.id,
            name: o.name,
            sector: o.sector ?? null,
            cidrs: o.cidrs,
            asns: o.asns,
            domains: o.domains,
            contacts: o.abuse,
            language: o.language ?? null,
            format: o.format ?? null,
          }))
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
        nationalCountries: [...c.nationalCountries].sort(),
      };
    },
  );
};
