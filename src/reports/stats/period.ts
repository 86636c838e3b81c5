/**
 * The period a statistics report covers, and the previous period it is compared with: whole UTC
 * days, both ends included. Pure: the caller passes the latest observation day and today.
 */

/** Days of the default period. */
export const DEFAULT_DAYS = 30;

const DAY_MS = 86_400_000;

export interface Period {
  readonly since: string;
  readonly until: string;
  readonly days: number;
}

export interface ResolvedPeriods {
  readonly current: Period;
  /** The same number of days, ending the day before `current` starts. */
  readonly previous: Period;
  /** How the period was chosen, in words (printed with the report). */
  readonly basis: string;
}

export type PeriodResult = { ok: true; value: ResolvedPeriods } | { ok: false; error: string };

/** A day as YYYY-MM-DD (a full ISO 8601 time is cut to its UTC day), or undefined. */
export function parseDay(text: string): string | undefined {
  const t = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) {
    const ms = Date.parse(`${t}T00:00:00Z`);
    return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== t ? undefined : t;
  }
  // A time with an explicit zone only: a bare local time would depend on the machine's zone.
  if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(t)) return undefined;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

export function dayMs(day: string): number {
  return Date.parse(`${day}T00:00:00Z`);
}

export function addDays(day: string, n: number): string {
  return new Date(dayMs(day) + n * DAY_MS).toISOString().slice(0, 10);
}

function period(since: string, until: string): Period {
  return { since, until, days: Math.round((dayMs(until) - dayMs(since)) / DAY_MS) + 1 };
}

/**
 * since and until given: that period. One of them: DEFAULT_DAYS days from since, or ending at
 * until. Neither: DEFAULT_DAYS days ending at the latest observation day (today when the store
 * has none).
 */
export function resolvePeriods(o: {
  readonly since?: string;
  readonly until?: string;
  readonly latestDay: string | undefined;
  readonly today: string;
}): PeriodResult {
  const since = o.since === undefined ? undefined : parseDay(o.since);
  if (o.since !== undefined && since === undefined)
    return { ok: false, error: `--since ${o.since}: expected a day as YYYY-MM-DD` };
  const until = o.until === undefined ? undefined : parseDay(o.until);
  if (o.until !== undefined && until === undefined)
    return { ok: false, error: `--until ${o.until}: expected a day as YYYY-MM-DD` };
  let current: Period;
  let basis: string;
  if (since !== undefined && until !== undefined) {
    if (until < since) return { ok: false, error: `--until ${until} is before --since ${since}` };
    current = period(since, until);
    basis = 'as asked';
  } else if (since !== undefined) {
    current = period(since, addDays(since, DEFAULT_DAYS - 1));
    basis = `${DEFAULT_DAYS} days from --since`;
  } else if (until !== undefined) {
    current = period(addDays(until, -(DEFAULT_DAYS - 1)), until);
    basis = `${DEFAULT_DAYS} days ending at --until`;
  } else {
    const end = o.latestDay ?? o.today;
    current = period(addDays(end, -(DEFAULT_DAYS - 1)), end);
    basis =
      o.latestDay !== undefined
        ? `default: the last ${DEFAULT_DAYS} days ending at the latest observation day`
        : `default: the last ${DEFAULT_DAYS} days ending today (no observations stored)`;
  }
  const prevUntil = addDays(current.since, -1);
  const previous = period(addDays(prevUntil, -(current.days - 1)), prevUntil);
  return { ok: true, value: { current, previous, basis } };
}
