/**
 * One entry for every output of the situation report: JSON (the model), HTML (the page) or PDF
 * (the page printed by Chromium). Used by `accord report` and `GET /api/v1/report`.
 */
import type { SituationReport } from './model.js';

export const REPORT_FORMATS = ['html', 'pdf', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
};

export type RenderResult = { ok: true; body: Buffer } | { ok: false; error: string };

export async function renderSituation(report: SituationReport, format: ReportFormat): Promise<RenderResult> {
  if (format === 'json') return { ok: true, body: Buffer.from(`${JSON.stringify(report)}\n`) };
  const { renderSituationHtml } = await import('./html.js');
  const html = renderSituationHtml(report);
  if (format === 'html') return { ok: true, body: Buffer.from(html) };
  const { htmlToPdf } = await import('./pdf.js');
  const r = await htmlToPdf(html);
  return r.ok ? { ok: true, body: r.pdf } : r;
}

/** The file name a report is offered as, e.g. accord-report-2026-Q3.pdf. */
export function reportFileName(report: SituationReport, format: ReportFormat): string {
  return `accord-report-${report.period.label.replace(/\.\./, '_')}.${format}`;
}
