/** The report's period as the API takes it: 2026, 2026-10, 2026-Q3, or 2026-10-01..2026-10-31. */

const PERIOD =
  /^(\d{4})(-(0[1-9]|1[0-2])|-Q[1-4])?$|^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])\.\.\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export function isReportPeriod(text: string): boolean {
  return PERIOD.test(text.trim());
}

export interface PeriodPreset {
  readonly label: string;
  readonly period: string;
}

/** Quick choices relative to today (UTC): this and last year, the last full quarter and month. */
export function periodPresets(today: Date): PeriodPreset[] {
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth(); // 0-based
  const q = Math.floor(m / 3); // 0-based quarter of today
  const lastQ = q === 0 ? { y: y - 1, q: 4 } : { y, q };
  const lastM = m === 0 ? { y: y - 1, m: 12 } : { y, m };
  const pad = (n: number) => String(n).padStart(2, '0');
  return [
    { label: `This year (${y})`, period: String(y) },
    { label: `Last year (${y - 1})`, period: String(y - 1) },
    { label: `Last quarter (${lastQ.y}-Q${lastQ.q})`, period: `${lastQ.y}-Q${lastQ.q}` },
    { label: `Last month (${lastM.y}-${pad(lastM.m)})`, period: `${lastM.y}-${pad(lastM.m)}` },
  ];
}

/** The report's URLs for a period (undefined: the server's default). */
export function reportUrl(period: string | undefined, format: 'html' | 'pdf' | 'json'): string {
  const p = new URLSearchParams();
  if (period) p.set('period', period);
  p.set('format', format);
  return `/api/v1/report?${p.toString()}`;
}
