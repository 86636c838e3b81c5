/**
 * GET /api/v1/report over the real app (src/server/app.ts) with real users and keys: the store
 * holds the hand-made national data set of the store contract; the JSON equals GET /v1/stats'
 * figures for the same days; roles, formats, errors and the HTML page's own CSP.
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SituationReport, situationReport } from '../../../../reports/situation/model.js';
import { sqliteDaily } from '../../../../reports/situation/sqlite-daily.js';
import { statsReport } from '../../../../reports/stats/report.js';
import { statsDataSet } from '../../../../storage/stats.contract.js';
import { prepare } from '../../../../storage/store.contract.js';
import { buildTestApi, type TestApi } from '../../test-support.js';
import { REPORT_CSP } from './report-routes.js';

let t: TestApi;
beforeAll(async () => {
  t = await buildTestApi({
    seed: async (store) => {
      await store.writeBatch({
        events: [
          ...statsDataSet(prepare),
          prepare({
            'time.source': '2026-10-29T10:00:00Z',
            'classification.type': 'infected-system',
            'source.ip': '198.51.100.77',
            'source.geolocation.cc': 'AT',
            'destination.ip': '203.0.113.77',
            'destination.geolocation.cc': 'FR',
            'malware.name': '<img src=x onerror=alert(1)>',
          }),
          prepare({
            'time.source': '2025-10-28T10:00:00Z',
            'classification.type': 'infected-system',
            'source.ip': '198.51.100.90',
            'source.geolocation.cc': 'AT',
            'destination.ip': '203.0.113.90',
            'destination.geolocation.cc': 'US',
            'malware.name': 'emotet',
          }),
        ],
        quarantine: [],
      });
    },
  });
});
afterAll(() => t.close());

const URL = '/api/v1/report?period=2026-10-27..2026-10-30&country=AT';

describe('GET /api/v1/report', () => {
  it('json (read-only): the model, its figures those of accord stats for the same days', async () => {
    const r = await t.app.inject({ url: URL, headers: t.bearer('read-only') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const j = r.json() as SituationReport;
    const s = await statsReport(t.store, {
      since: '2026-10-27',
      until: '2026-10-30',
      country: 'AT',
      today: '2026-11-22',
    });
    expect(s.ok && j.stats).toEqual(s.ok && s.report);
    expect(j.period).toMatchObject({ label: '2026-10-27..2026-10-30', kind: 'days' });
    // Serialised whole: the model as built, the year-on-year report included.
    const direct = await situationReport(t.store, {
      period: '2026-10-27..2026-10-30',
      country: 'AT',
      today: '2026-11-22',
      now: j.generatedAt,
      daily: sqliteDaily(t.store),
    });
    expect(direct.ok && j).toEqual(direct.ok && direct.report);
    expect(j.yearOnYear?.infectedHosts.previous).toBe(1);
    expect(j.headline.infectedHosts.yearAgo).toBe(1);
    expect(j.daily.map((d) => d.day)).toEqual(['2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30']);
    for (const d of j.daily) {
      const f = await t.store.statsFigures({ since: d.day, until: d.day, country: 'AT' });
      expect([d.infectedHosts, d.c2ServersAbroad], d.day).toEqual([f.infectedHosts, f.c2ServersAbroad]);
    }
  });

  it('html (read-only, session cookie): the page, escaped, with its own CSP allowing inline styles only', async () => {
    const s = await t.login('read-only');
    const r = await t.app.inject({ url: `${URL}&format=html`, headers: { cookie: s.cookie } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.headers['content-security-policy']).toBe(REPORT_CSP);
    expect(r.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(r.headers['content-disposition']).toBe(
      'inline; filename="accord-report-2026-10-27_2026-10-30.html"',
    );
    expect(r.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(r.body).not.toContain('<img');
    expect(r.body).toContain('data-chart="world-map"><svg ');
  });

  it('pdf needs the analyst role', async () => {
    const r = await t.app.inject({ url: `${URL}&format=pdf`, headers: t.bearer('read-only') });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.code).toBe('ACCORD_FORBIDDEN');
  });

  it.skipIf(!existsSync('/usr/bin/chromium'))(
    'pdf (analyst): a PDF printed by Chromium',
    async () => {
      const r = await t.app.inject({ url: `${URL}&format=pdf`, headers: t.bearer('analyst') });
      expect(r.statusCode, r.body.slice(0, 500)).toBe(200);
      expect(r.headers['content-type']).toBe('application/pdf');
      expect(r.headers['content-disposition']).toContain('attachment');
      expect(r.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    },
    60_000,
  );

  it('no credentials: 401; a bad period or format: 400 naming the parameter', async () => {
    expect((await t.app.inject({ url: URL })).statusCode).toBe(401);
    const p = await t.app.inject({ url: '/api/v1/report?period=2026-13', headers: t.bearer('read-only') });
    expect(p.statusCode).toBe(400);
    expect(p.json().error).toMatchObject({
      code: 'ACCORD_BAD_REQUEST',
      message: 'querystring/period 2026-13: the month must be 01 to 12',
      details: [{ path: 'querystring/period' }],
    });
    const f = await t.app.inject({ url: `${URL}&format=docx`, headers: t.bearer('read-only') });
    expect(f.statusCode).toBe(400);
    expect(f.json().error.code).toBe('ACCORD_VALIDATION');
  });
});
