/**
 * GET /v1/stats (read-only): what `accord stats --json` prints (StatsReport,
 * src/reports/stats/report.ts) for the period, optionally filtered by c2Country, family and
 * network (StatsFilter: applied to every figure of both periods).
 * GET /v1/stats/daily (read-only): infected hosts and C2 servers abroad per day of the period.
 *
 * Default period and country as `accord stats`: the last 30 days ending at the latest day with
 * data; the country from `country`, else ACCORD_COUNTRY. Answers and each period's figures are
 * cached until the statistics rollup changes (a new chunk), so the dashboard's repeated calls
 * cost nothing, and the default report is computed once the server is ready (warm-up).
 */
import type { FastifyPluginAsync } from 'fastify';
import { COMPROMISED, INFECTED } from '../../../../reports/stats/figures.js';
import { parseDay, resolvePeriods } from '../../../../reports/stats/period.js';
import { statsReport } from '../../../../reports/stats/report.js';
import { rollupDailyFigures } from '../../../../storage/sqlite/stats-rollup-daily.js';
import type { StatsFilter, StatsQuery, Store } from '../../../../storage/store.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { errors, rejectUnknownQuery } from '../common.js';
import { parseAsn } from '../observations/filter-params.js';
import { STATS_REPORT_SCHEMA } from './stats-schema.js';

const FILTER_QUERY = {
  since: { type: 'string', description: 'first day (YYYY-MM-DD)' },
  until: { type: 'string', description: 'last day (YYYY-MM-DD)' },
  country: {
    type: 'string',
    pattern: '^[A-Za-z]{2}$',
    description: 'the national country (default ACCORD_COUNTRY)',
  },
  c2Country: {
    type: 'string',
    pattern: '^[A-Za-z]{2}$',
    description: 'only C2 servers in this country (and their hosts)',
  },
  family: { type: 'string', minLength: 1, maxLength: 256, description: 'only this malware family' },
  network: {
    type: 'string',
    minLength: 1,
    maxLength: 128,
    description: 'only this domestic network: a constituency organisation id, or AS<n>',
  },
} as const;

/** Days per daily answer at most (ten years). */
const MAX_DAYS = 3660;

const bad = (param: string, message: string) =>
  apiError('BAD_REQUEST', `querystring/${param} ${message}`, [{ path: `querystring/${param}`, message }]);

interface StatsQueryString {
  since?: string;
  until?: string;
  country?: string;
  top?: number;
  c2Country?: string;
  family?: string;
  network?: string;
}

function filterOf(q: StatsQueryString): StatsFilter | undefined {
  const f: { c2Country?: string; family?: string; network?: string } = {};
  if (q.c2Country !== undefined) f.c2Country = q.c2Country.toUpperCase();
  if (q.family !== undefined) f.family = q.family.toLowerCase();
  if (q.network !== undefined) {
    const asn = /^AS\d+$/i.test(q.network) ? parseAsn(q.network) : undefined;
    f.network = asn !== undefined ? `AS${asn}` : q.network;
  }
  return Object.keys(f).length > 0 ? f : undefined;
}

function checkDays(q: StatsQueryString): void {
  for (const k of ['since', 'until'] as const) {
    const v = q[k];
    if (v !== undefined && parseDay(v) === undefined) throw bad(k, `"${v}" is not a day (YYYY-MM-DD)`);
  }
  if (q.since !== undefined && q.until !== undefined && (parseDay(q.until) ?? '') < (parseDay(q.since) ?? ''))
    throw bad('until', 'is before since');
}

/** A small cache of answers, valid while the rollup's last chunk id stays the same. */
class AnswerCache {
  private readonly entries = new Map<string, { version: number; value: unknown }>();
  constructor(private readonly version: () => number) {}
  get<T>(key: string, compute: () => Promise<T> | T): Promise<T> | T {
    const version = this.version();
    const hit = this.entries.get(key);
    if (hit !== undefined && hit.version === version) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.value as T;
    }
    const store = (value: T) => {
      this.entries.set(key, { version, value });
      if (this.entries.size > 64) this.entries.delete(this.entries.keys().next().value as string);
      return value;
    };
    const v = compute();
    return v instanceof Promise ? v.then(store) : store(v);
  }
}

export const statsRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  app.addHook('preValidation', rejectUnknownQuery);
  const { store } = deps;
  const lastChunk = store.db.prepare('SELECT coalesce(max(id), 0) AS v FROM stats_chunks').pluck();
  const cache = new AnswerCache(() => lastChunk.get() as number);
  const today = () => new Date((deps.now ?? Date.now)()).toISOString().slice(0, 10);
  const countryOf = (q: StatsQueryString) =>
    q.country?.toUpperCase() ?? (process.env.ACCORD_COUNTRY || undefined);
  const defaultCountry = () => {
    const c = countryOf({});
    return c !== undefined ? { country: c } : {};
  };
  // Period figures are cached on their own (by period, country and filter), so that reports
  // that differ only in `top`, or in how the same period was asked for, share them.
  const figures: Store = Object.create(store, {
    statsFigures: {
      value: (q: StatsQuery) => cache.get(JSON.stringify(['figures', q]), () => store.statsFigures(q)),
    },
  });
  // Warm the default overview (this period and the previous one) once the server is ready, so the
  // dashboard's first call does not pay for it; it runs off the request path.
  app.addHook('onReady', async () => {
    const timer = setTimeout(() => {
      if (!store.db.open) return;
      statsReport(figures, { ...defaultCountry(), today: today() }).catch((e: unknown) =>
        deps.logger?.warn({ err: e }, 'api: stats warm-up failed'),
      );
    }, 0);
    timer.unref();
  });

  app.get(
    '/v1/stats',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['stats'],
        summary: 'The statistics report of `accord stats --json`, optionally filtered',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...FILTER_QUERY,
            top: {
              type: 'integer',
              minimum: 0,
              maximum: 10000,
              default: 10,
              description: 'rows per breakdown (0: all)',
            },
          },
        },
        response: { 200: STATS_REPORT_SCHEMA, ...errors(400, 401, 403) },
      },
    },
    async (req) => {
      const q = req.query as StatsQueryString;
      checkDays(q);
      const filter = filterOf(q);
      const country = countryOf(q);
      const key = JSON.stringify(['stats', q.since, q.until, country, q.top, filter, today()]);
      return cache.get(key, async () => {
        const r = await statsReport(figures, {
          ...(q.since !== undefined ? { since: q.since } : {}),
          ...(q.until !== undefined ? { until: q.until } : {}),
          ...(country !== undefined ? { country } : {}),
          ...(q.top !== undefined ? { top: q.top } : {}),
          ...(filter !== undefined ? { filter } : {}),
          today: today(),
        });
        if (!r.ok) throw apiError('BAD_REQUEST', r.error.replace(/^--/, 'querystring/'));
        return r.report;
      });
    },
  );

  app.get(
    '/v1/stats/daily',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['stats'],
        summary: 'Domestic infected hosts and C2 servers abroad per day of the period, optionally filtered',
        querystring: { type: 'object', additionalProperties: false, properties: FILTER_QUERY },
        response: {
          200: {
            type: 'object',
            required: ['since', 'until', 'days'],
            properties: {
              since: { type: 'string' },
              until: { type: 'string' },
              country: { type: ['string', 'null'] },
              days: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['day', 'infectedHosts', 'c2Servers'],
                  properties: {
                    day: { type: 'string' },
                    infectedHosts: { type: 'integer' },
                    c2Servers: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errors(400, 401, 403),
        },
      },
    },
    async (req) => {
      const q = req.query as StatsQueryString;
      checkDays(q);
      const filter = filterOf(q);
      const country = countryOf(q);
      const latestDay =
        q.since === undefined && q.until === undefined
          ? await store.latestDay([INFECTED, COMPROMISED])
          : undefined;
      const r = resolvePeriods({
        ...(q.since !== undefined ? { since: q.since } : {}),
        ...(q.until !== undefined ? { until: q.until } : {}),
        latestDay,
        today: today(),
      });
      if (!r.ok) throw apiError('BAD_REQUEST', r.error.replace(/^--/, 'querystring/'));
      const { since, until, days } = r.value.current;
      if (days > MAX_DAYS) throw bad('since', `the period is over ${MAX_DAYS} days`);
      const key = JSON.stringify(['daily', since, until, country, filter]);
      return cache.get(key, () => ({
        since,
        until,
        country: country ?? null,
        days: rollupDailyFigures(store.db, {
          since,
          until,
          ...(country !== undefined ? { country } : {}),
          ...(filter !== undefined ? { filter } : {}),
        }),
      }));
    },
  );
};
