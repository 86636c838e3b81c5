/**
 * GET /v1/feeds (read-only): the feeds of the server's config with their health (feed_state),
 * plus feeds with recorded health that the config no longer lists (configured: false).
 * POST /v1/feeds/:name/run (analyst): run a configured feed now. Answers 202 { started: true }
 * at once (the run goes on in the background; GET /v1/feeds shows its health when it ends), or,
 * with ?wait=true, 200 and the run's summary when it has finished. 409 while a run of the feed
 * is in progress; 404 for a name the config does not have.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { FeedDefinition } from '../../../../feeds/feed-definition.js';
import type { FeedRunResult } from '../../../../feeds/run-feed.js';
import type { FeedState } from '../../../../storage/store.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { errors, rejectUnknownQuery } from '../common.js';
import { createFeedRunner, type FeedRunner } from './feed-runner.js';

const HEALTH_SCHEMA = {
  type: ['object', 'null'],
  properties: {
    lastRunAt: { type: 'string' },
    lastStatus: { type: 'string', enum: ['ok', 'not-modified', 'failed'] },
    lastSuccessAt: { type: 'string' },
    lastErrorAt: { type: 'string' },
    lastError: { type: 'string' },
    failures: { type: 'integer' },
    lastRead: { type: 'integer' },
    lastNew: { type: 'integer' },
    lastQuarantined: { type: 'integer' },
    nextRunAt: { type: 'string' },
  },
} as const;

const FEED_SCHEMA = {
  type: 'object',
  required: ['name', 'configured', 'running', 'health'],
  properties: {
    name: { type: 'string' },
    provider: { type: ['string', 'null'] },
    format: { type: ['string', 'null'] },
    schedule: {
      type: ['string', 'null'],
      description: 'as written in the config; null: runs only when asked',
    },
    tlp: { type: ['string', 'null'] },
    source: { type: ['string', 'null'], description: 'file pattern, URL, or taxii:<partner>' },
    enabled: { type: 'boolean' },
    configured: { type: 'boolean', description: 'false: health recorded, but the config no longer lists it' },
    running: { type: 'boolean' },
    health: HEALTH_SCHEMA,
  },
} as const;

const RUN_SCHEMA = {
  type: 'object',
  required: ['feed', 'status', 'read', 'new', 'folded', 'quarantined'],
  properties: {
    feed: { type: 'string' },
    status: { type: 'string', enum: ['ok', 'not-modified', 'failed'] },
    startedAt: { type: 'string' },
    seconds: { type: 'number' },
    attempts: { type: 'integer' },
    read: { type: 'integer' },
    new: { type: 'integer' },
    folded: { type: 'integer' },
    quarantined: { type: 'integer' },
    newObservations: { type: 'integer' },
    error: { type: 'string' },
    warnings: { type: 'array', items: { type: 'string' } },
    health: HEALTH_SCHEMA,
  },
} as const;

function sourceText(f: FeedDefinition): string {
  switch (f.source.kind) {
    case 'files':
      return f.source.pattern;
    case 'url':
      return f.source.url;
    case 'taxii':
      return `taxii:${f.source.partner}`;
  }
}

const scheduleText = (f: FeedDefinition): string | null => f.schedule?.text ?? null;

function health(s: FeedState | undefined): Record<string, unknown> | null {
  if (s === undefined) return null;
  const { feed: _feed, httpUrl: _u, etag: _e, lastModified: _m, ...rest } = s;
  return rest;
}

export const feedsRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const feeds = deps.accordConfig?.feeds ?? [];
  let runner: FeedRunner | undefined = deps.feedRunner;
  if (runner === undefined && deps.accordConfig !== undefined) {
    runner = createFeedRunner(deps.accordConfig, deps.store, deps.logger);
    const own = runner;
    app.addHook('onClose', async () => own.close());
  }

  app.get(
    '/v1/feeds',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['feeds'],
        summary: 'Configured feeds with their health',
        response: {
          200: {
            type: 'object',
            required: ['items'],
            properties: { items: { type: 'array', items: FEED_SCHEMA } },
          },
          ...errors(401, 403),
        },
      },
    },
    async () => {
      const states = new Map((await deps.store.listFeedStates()).map((s) => [s.feed, s]));
      const items: Array<Record<string, unknown>> = feeds.map((f) => ({
        name: f.name,
        provider: f.provider ?? null,
        format: f.format ?? null,
        schedule: scheduleText(f),
        tlp: f.tlp ?? null,
        source: sourceText(f),
        enabled: f.enabled,
        configured: true,
        running: runner?.running(f.name) ?? false,
        health: health(states.get(f.name)),
      }));
      for (const [name, s] of states)
        if (!feeds.some((f) => f.name === name))
          items.push({
            name,
            provider: null,
            format: null,
            schedule: null,
            tlp: null,
            source: null,
            enabled: false,
            configured: false,
            running: false,
            health: health(s),
          });
      return { items };
    },
  );

  app.post(
    '/v1/feeds/:name/run',
    {
      config: { role: 'analyst' },
      schema: {
        tags: ['feeds'],
        summary: 'Run a configured feed now (202 and in the background; ?wait=true: 200 with the summary)',
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 256 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { wait: { type: 'boolean', default: false } },
        },
        response: {
          200: RUN_SCHEMA,
          202: { type: 'object', required: ['started'], properties: { started: { type: 'boolean' } } },
          ...errors(400, 401, 403, 404, 409, 503),
        },
      },
    },
    async (req, reply) => {
      const { name } = req.params as { name: string };
      const { wait } = req.query as { wait: boolean };
      const feed = feeds.find((f) => f.name === name);
      if (feed === undefined) throw apiError('NOT_FOUND', `no feed named "${name}" in the server's config`);
      if (runner === undefined) throw apiError('UNAVAILABLE', 'the server was started without a config');
      const run = runner.start(feed);
      if (run === undefined) throw apiError('CONFLICT', `feed "${name}" is running already`);
      if (!wait) {
        run.catch(() => undefined); // logged by the runner; the health records it
        return reply.code(202).send({ started: true });
      }
      const r: FeedRunResult = await run;
      return {
        feed: r.feed,
        status: r.status,
        startedAt: r.startedAt,
        seconds: r.seconds,
        attempts: r.attempts,
        read: r.read,
        new: r.new,
        folded: r.folded,
        quarantined: r.quarantined,
        newObservations: r.newObservations,
        ...(r.error !== undefined ? { error: r.error } : {}),
        warnings: r.warnings,
        health: health(r.health),
      };
    },
  );
};
