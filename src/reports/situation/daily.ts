/**
 * Infected hosts and C2 servers abroad per day of a period, from the store's statistics
 * (`statsFigures` of each day, the same rules as `accord stats`). A month with no infected host
 * has none on any of its days, so months are asked first and only months with data day by day:
 * a year with data on a few days costs a few dozen queries, not 365.
 */
import type { Store } from '../../storage/store.js';
import { addDays } from '../stats/period.js';

export interface DayFigures {
  readonly day: string;
  /** Distinct domestic infected hosts seen that day. */
  readonly infectedHosts: number;
  /** Distinct C2 servers abroad they talked to that day. */
  readonly c2ServersAbroad: number;
}

/** The months (as [since, until] within the period) covering since..until. */
function monthSpans(since: string, until: string): Array<[string, string]> {
  const spans: Array<[string, string]> = [];
  let start = since;
  while (start <= until) {
    const [y, m] = start.split('-').map(Number) as [number, number];
    const monthEnd = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    const end = monthEnd < until ? monthEnd : until;
    spans.push([start, end]);
    start = addDays(end, 1);
  }
  return spans;
}

/**
 * One row per day from since to until (both included); days after `lastDay` (the latest
 * observation day, when given) are not asked and count 0.
 */
export async function dailyFigures(
  store: Store,
  o: { readonly since: string; readonly until: string; readonly country?: string; readonly lastDay?: string },
): Promise<DayFigures[]> {
  const q = (since: string, until: string) =>
    store.statsFigures({ since, until, ...(o.country !== undefined ? { country: o.country } : {}) });
  const found = new Map<string, DayFigures>();
  const askUntil = o.lastDay !== undefined && o.lastDay < o.until ? o.lastDay : o.until;
  for (const [since, until] of monthSpans(o.since, askUntil)) {
    const month = await q(since, until);
    if (month.infectedHosts === 0) continue;
    for (let day = since; day <= until; day = addDays(day, 1)) {
      const f = await q(day, day);
      found.set(day, { day, infectedHosts: f.infectedHosts, c2ServersAbroad: f.c2ServersAbroad });
    }
  }
  const days: DayFigures[] = [];
  for (let day = o.since; day <= o.until; day = addDays(day, 1))
    days.push(found.get(day) ?? { day, infectedHosts: 0, c2ServersAbroad: 0 });
  return days;
}
