/**
 * The REST API's resource plugins, registered by src/server/api/api-plugin.ts in this order, each
 * with the ApiDeps as options. Every route declares `config: { role }` (or `{ public: true }`).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { constituencyRoutes } from './constituency/constituency-routes.js';
import { eventsRoutes } from './events/events-routes.js';
import { feedsRoutes } from './feeds/feeds-routes.js';
import { knowledgeRoutes } from './knowledge/knowledge-routes.js';
import { observationsRoutes } from './observations/observations-routes.js';
import { partnersRoutes } from './partners/partners-routes.js';
import { pivotRoutes } from './pivot/pivot-routes.js';
import { quarantineRoutes } from './quarantine/quarantine-routes.js';
import { reportRoutes } from './report/report-routes.js';
import { statsRoutes } from './stats/stats-routes.js';

export const RESOURCES: ReadonlyArray<FastifyPluginAsync<ApiDeps>> = [
  observationsRoutes,
  eventsRoutes,
  statsRoutes,
  pivotRoutes,
  feedsRoutes,
  quarantineRoutes,
  constituencyRoutes,
  partnersRoutes,
  knowledgeRoutes,
  reportRoutes, // (D)
];
