/**
 * The period of a situation report, as national CERTs publish them: a year (`2026`), a quarter
 * (`2026-Q3`), a month (`2026-10`) or any days (`2026-10-01..2026-10-31`, both ends included).
 * Each comes with the period it is compared with and the same period a year before. Calendar
 * periods are compared with the previous calendar period (2026 with 2025, Q3 with Q2, October with
 * September); a range of days with as many days just before it (as `accord stats` does). Pure.
 */
import { addDays, type Period, parseDay } from '../stats/period.js';

export type PeriodKind = 'year' | 'quarter' | 'month' | 'days';

export interface ReportPeriods {
  /** The period as written in canonical form (`2026`, `2026-Q3`, `2026-10`, `since..until`). */
  readonly label: string;
  readonly kind: PeriodKind;
  /** In words, e.g. "the year 2026", "October 2026". */
  readonly title: string;
  readonly current: Period;
  readonly previous: Period;
  /** The same period a year before (a range of days: the same days shifted by one year). */
  readonly yearAgo: Period;
}

export type ReportPeriodResult = { ok: true; value: ReportPeriods } | { ok: false; error: string };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const DAY_MS = 86_400_000;

function period(since: string, until: string): Period {
  const days = Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${since}T00:00:00Z`)) / DAY_MS) + 1;
  return { since, until, days };
}

/** Months [first, last] (1-based, last included) of one year as a period. */
function months(year: number, first: number, last: number): Period {
  const lastDay = new Date(Date.UTC(year, last, 0)).getUTCDate();
  return period(`${pad(year, 4)}-${pad(first)}-01`, `${pad(year, 4)}-${pad(last)}-${pad(lastDay)}`);
}

/** The same day one year earlier (29 February becomes 28 February). */
function yearBefore(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return `${pad(y - 1, 4)}-${pad(m)}-${pad(Math.min(d, lastDay))}`;
}

export const PERIOD_HELP =
  'a year (2026), a quarter (2026-Q3), a month (2026-10) or days (2026-10-01..2026-10-31)';

/** Parse a report period; anything else is an error naming what is accepted. */
export function parseReportPeriod(text: string): ReportPeriodResult {
  const t = text.trim();
  const bad = (why?: string): ReportPeriodResult => ({
    ok: false,
    error: `--period ${text}: ${why ?? `expected ${PERIOD_HELP}`}`,
  });
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(t))) {
    const y = Number(m[1]);
    if (y < 1970) return bad('the year must be 1970 or later');
    return {
      ok: true,
      value: {
        label: pad(y, 4),
        kind: 'year',
        title: `the year ${y}`,
        current: months(y, 1, 12),
        previous: months(y - 1, 1, 12),
        yearAgo: months(y - 1, 1, 12),
      },
    };
  }
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(t))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    if (y < 1970) return bad('the year must be 1970 or later');
    const quarter = (yy: number, qq: number) => months(yy, qq * 3 - 2, qq * 3);
    return {
      ok: true,
      value: {
        label: `${pad(y, 4)}-Q${q}`,
        kind: 'quarter',
        title: `the ${['first', 'second', 'third', 'fourth'][q - 1]} quarter of ${y}`,
        current: quarter(y, q),
        previous: q === 1 ? quarter(y - 1, 4) : quarter(y, q - 1),
        yearAgo: quarter(y - 1, q),
      },
    };
  }
  if ((m = /^(\d{4})-(\d{2})$/.exec(t))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return bad('the month must be 01 to 12');
    if (y < 1970) return bad('the year must be 1970 or later');
    return {
      ok: true,
      value: {
        label: `${pad(y, 4)}-${pad(mo)}`,
        kind: 'month',
        title: `${MONTHS[mo - 1]} ${y}`,
        current: months(y, mo, mo),
        previous: mo === 1 ? months(y - 1, 12, 12) : months(y, mo - 1, mo - 1),
        yearAgo: months(y - 1, mo, mo),
      },
    };
  }
  if ((m = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(t))) {
    const since = parseDay(m[1] as string);
    const until = parseDay(m[2] as string);
    if (since === undefined) return bad(`${m[1]} is not a day (YYYY-MM-DD)`);
    if (until === undefined) return bad(`${m[2]} is not a day (YYYY-MM-DD)`);
    if (until < since) return bad(`${until} is before ${since}`);
    const current = period(since, until);
    const prevUntil = addDays(since, -1);
    return {
      ok: true,
      value: {
        label: `${since}..${until}`,
        kind: 'days',
        title: since === until ? since : `${since} to ${until}`,
        current,
        previous: period(addDays(prevUntil, -(current.days - 1)), prevUntil),
        yearAgo: period(yearBefore(since), yearBefore(until)),
      },
    };
  }
  return bad();
}

/** The default period: the calendar year of the latest observation day (of today when none). */
export function defaultPeriodLabel(latestDay: string | undefined, today: string): string {
  return (latestDay ?? today).slice(0, 4);
}
