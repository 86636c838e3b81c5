import { describe, expect, it } from 'vitest';
import { isReportPeriod, periodPresets, reportUrl } from './report-period';

describe('report period', () => {
  it('accepts the shapes the API takes', () => {
    for (const p of ['2026', '2026-10', '2026-Q3', '2026-10-01..2026-10-31'])
      expect(isReportPeriod(p)).toBe(true);
    for (const p of ['26', '2026-13', '2026-Q5', '2026-10-01', '2026-10-01..', 'last year', '']) {
      expect(isReportPeriod(p)).toBe(false);
    }
  });

  it('offers presets relative to today, across year ends', () => {
    expect(periodPresets(new Date('2026-11-22T08:00:00Z')).map((p) => p.period)).toEqual([
      '2026',
      '2025',
      '2026-Q3',
      '2026-10',
    ]);
    expect(periodPresets(new Date('2027-01-05T00:00:00Z')).map((p) => p.period)).toEqual([
      '2027',
      '2026',
      '2026-Q4',
      '2026-12',
    ]);
  });

  it('builds the API URLs', () => {
    expect(reportUrl('2026-Q3', 'html')).toBe('/api/v1/report?period=2026-Q3&format=html');
    expect(reportUrl('2026-10-01..2026-10-31', 'pdf')).toBe(
      '/api/v1/report?period=2026-10-01..2026-10-31&format=pdf',
    );
    expect(reportUrl(undefined, 'json')).toBe('/api/v1/report?format=json');
  });
});
