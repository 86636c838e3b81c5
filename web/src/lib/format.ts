/** Number, change and time formatting for the dashboard. Pure; always en-US, as the contract fixes. */

/** An integer with thousands separators: 1234567 → "1,234,567" (the figures' exact text). */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A short axis label: 1234 → "1.2k", 2500000 → "2.5M". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  const unit = abs >= 1e9 ? ['B', 1e9] : abs >= 1e6 ? ['M', 1e6] : abs >= 1e3 ? ['k', 1e3] : undefined;
  if (unit === undefined) return String(Math.round(n));
  const [suffix, size] = unit as [string, number];
  const v = n / size;
  return `${Math.abs(v) >= 100 ? Math.round(v) : Number(v.toFixed(1))}${suffix}`;
}

export type Trend = 'up' | 'down' | 'flat' | 'new' | 'none';

export interface ChangeText {
  readonly text: string;
  readonly trend: Trend;
}

/**
 * The change against the previous period, as the server computed it (percent, one decimal; null
 * when the previous figure is 0). "+12.5%", "−3.0%" (a real minus sign), "no change", "new"
 * (nothing before, something now), "—" (nothing in either).
 */
export function formatChange(changePercent: number | null, current: number, previous: number): ChangeText {
  if (changePercent === null) {
    return current > 0 && previous === 0 ? { text: 'new', trend: 'new' } : { text: '—', trend: 'none' };
  }
  if (changePercent === 0) return { text: 'no change', trend: 'flat' };
  const abs = Math.abs(changePercent).toFixed(1);
  return changePercent > 0 ? { text: `+${abs}%`, trend: 'up' } : { text: `\u2212${abs}%`, trend: 'down' };
}

/** "2026-11-21" → "21 Nov 2026" (a UTC day, shown as that day whatever the browser's zone). */
export function formatDay(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(ms)) return day;
  return new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** An ISO time as "2026-11-21 14:05 UTC"; the text itself when it is not a time; "—" when absent. */
export function formatTime(iso: string | null | undefined): string {
  if (iso === undefined || iso === null || iso === '') return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "2026-10-23".."2026-11-21" → "23 Oct 2026 – 21 Nov 2026". */
export function formatPeriod(since: string, until: string): string {
  return since === until ? formatDay(since) : `${formatDay(since)} – ${formatDay(until)}`;
}

/** A day `n` days before or after `day` (YYYY-MM-DD, UTC). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** "1 country", "13 countries", "1,234 hosts". */
export function plural(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}
