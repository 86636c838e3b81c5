/**
 * GET /v1/report?period=&format=json|html|pdf&country=&top=: the national situation report
 * (src/reports/situation; what `accord report` gives). json and html need the read-only role,
 * pdf (headless Chromium, costly) the analyst role. The HTML page is served with its own
 * Content-Security-Policy (inline styles and SVG only, nothing fetched), so it can be opened or
 * framed by the dashboard and printed.
 */
import type { FastifyPluginAsync } from 'fastify';
import { situationReport } from '../../../../reports/situation/model.js';
import {
  CONTENT_TYPES,
  REPORT_FORMATS,
  type ReportFormat,
  renderSituation,
  reportFileName,
} from '../../../../reports/situation/render.js';
import { sqliteDaily } from '../../../../reports/situation/sqlite-daily.js';
import type { ApiDeps } from '../../deps.js';
import { apiError } from '../../errors.js';
import { roleAllows } from '../../roles.js';
import { errors } from '../common.js';
import { constituencyOf } from '../constituency/constituency-data.js';
import { SITUATION_REPORT_SCHEMA } from './report-schema.js';

/** The report page's policy: its inline style and SVG, nothing else; framed by our own pages only. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

interface ReportQuery {
  period?: string;
  format?: ReportFormat;
  country?: string;
  top?: number;
}

export const reportRoutes: FastifyPluginAsync<ApiDeps> = async (app, deps) => {
  const { store } = deps;
  const today = () => new Date((deps.now ?? Date.now)()).toISOString().slice(0, 10);

  // After the API's own onSend hook (parent hooks run first): the page needs its inline styles.
  app.addHook('onSend', async (_req, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      reply.header('Content-Security-Policy', REPORT_CSP);
      reply.header('X-Frame-Options', 'SAMEORIGIN');
    }
    return payload;
  });

  app.get(
    '/v1/report',
    {
      config: { role: 'read-only' },
      schema: {
        tags: ['report'],
        summary:
          'The national situation report for a year, quarter, month or days (json, html; pdf for analysts)',
        description:
          'The figures of GET /v1/stats for a calendar period, compared with the previous period and with the ' +
          'same period a year before, with C2 countries, families, foreign ASNs, domestic networks, compromised ' +
          'websites and infected hosts per day. format=html is a printable page with SVG charts and a world map; ' +
          'format=pdf (role analyst) is that page printed by headless Chromium. See docs/report.md.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            period: {
              type: 'string',
              maxLength: 32,
              description:
                '2026, 2026-Q3, 2026-10 or 2026-10-01..2026-10-31 (default: the year of the latest data)',
            },
            format: { type: 'string', enum: [...REPORT_FORMATS], default: 'json' },
            country: {
              type: 'string',
              pattern: '^[A-Za-z]{2}$',
              description: 'the national country (default ACCORD_COUNTRY)',
            },
            top: {
              type: 'integer',
              minimum: 0,
              maximum: 1000,
              default: 10,
              description: 'rows per table (0: all)',
            },
          },
        },
        response: {
          200: {
            description: 'the report, as asked by format',
            content: {
              'application/json': { schema: SITUATION_REPORT_SCHEMA },
              'text/html': { schema: { type: 'string' } },
              'application/pdf': { schema: { type: 'string', format: 'binary' } },
            },
          },
          ...errors(400, 401, 403, 503),
        },
      },
    },
    async (req, reply) => {
      const q = req.query as ReportQuery;
      const format = q.format ?? 'json';
      if (format === 'pdf' && !roleAllows(req.user.role, 'analyst'))
        throw apiError(
          'FORBIDDEN',
          'format=pdf needs the analyst role; format=html gives the same printable page',
        );
      const country = q.country?.toUpperCase() ?? (process.env.ACCORD_COUNTRY || undefined);
      const constituency = await constituencyOf(deps);
      const r = await situationReport(store, {
        ...(q.period !== undefined ? { period: q.period } : {}),
        ...(country !== undefined ? { country } : {}),
        ...(q.top !== undefined ? { top: q.top } : {}),
        today: today(),
        now: new Date((deps.now ?? Date.now)()).toISOString(),
        daily: sqliteDaily(store),
        ...(constituency ? { organisation: (id: string) => constituency.orgs.get(id) } : {}),
      });
      if (!r.ok) {
        const param = /^--(\w+)/.exec(r.error)?.[1] ?? 'period';
        const message = r.error.replace(/^--\w+ /, '');
        throw apiError('BAD_REQUEST', `querystring/${param} ${message}`, [
          { path: `querystring/${param}`, message },
        ]);
      }
      if (format === 'json') return reply.type(CONTENT_TYPES.json).send(r.report);
      const out = await renderSituation(r.report, format);
      if (!out.ok) throw apiError('UNAVAILABLE', out.error);
      const disposition = format === 'pdf' ? 'attachment' : 'inline';
      return reply
        .type(CONTENT_TYPES[format])
        .header('Content-Disposition', `${disposition}; filename="${reportFileName(r.report, format)}"`)
        .send(format === 'html' ? out.body.toString('utf8') : out.body);
    },
  );
};
