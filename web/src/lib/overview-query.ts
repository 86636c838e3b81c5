/**
 * The overview's state in the URL query: the period (`since`, `until`) and the filters that apply
 * to the whole page (`c2Country`, `family`, `network`), named as the stats API names them, so the
 * same query goes to the API unchanged. Pure: parse, print, add, remove.
 */
import { countryName } from './country-name';

export const FILTER_KEYS = ['c2Country', 'family', 'network'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface OverviewQuery {
  readonly since?: string;
  readonly until?: string;
  readonly c2Country?: string;
  readonly family?: string;
  readonly network?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_VALUE = 200;

function validDay(v: string | null): string | undefined {
  if (v === null || !DAY.test(v)) return undefined;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== v ? undefined : v;
}

function cleanFilter(key: FilterKey, raw: string | null): string | undefined {
  const v = raw?.trim();
  if (v === undefined || v === '' || v.length > MAX_VALUE) return undefined;
  if (key === 'c2Country') return /^[a-z]{2}$/i.test(v) ? v.toUpperCase() : undefined;
  return v;
}

/** Read the query; values that are malformed are dropped (a hand-edited URL never breaks the page). */
export function parseOverviewQuery(search: string | URLSearchParams): OverviewQuery {
  const p = typeof search === 'string' ? new URLSearchParams(search) : search;
  const out: { -readonly [K in keyof OverviewQuery]: OverviewQuery[K] } = {};
  const since = validDay(p.get('since'));
  const until = validDay(p.get('until'));
  if (since !== undefined) out.since = since;
  if (until !== undefined) out.until = until;
  if (since !== undefined && until !== undefined && since > until) {
    out.since = until;
    out.until = since;
  }
  for (const key of FILTER_KEYS) {
    const v = cleanFilter(key, p.get(key));
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** The query as URL parameters in a fixed order (period first, then filters); empty values left out. */
export function toParams(q: OverviewQuery): URLSearchParams {
  const p = new URLSearchParams();
  for (const key of ['since', 'until', ...FILTER_KEYS] as const) {
    const v = q[key];
    if (v !== undefined && v !== '') p.set(key, v);
  }
  return p;
}

/** "?since=...&c2Country=DE", or "" when there is nothing to say. */
export function toSearch(q: OverviewQuery): string {
  const s = toParams(q).toString();
  return s === '' ? '' : `?${s}`;
}

export function withFilter(q: OverviewQuery, key: FilterKey, value: string): OverviewQuery {
  const v = cleanFilter(key, value);
  return v === undefined ? q : { ...q, [key]: v };
}

export function withoutFilter(q: OverviewQuery, key: FilterKey): OverviewQuery {
  const { [key]: _removed, ...rest } = q;
  return rest;
}

export function withPeriod(
  q: OverviewQuery,
  since: string | undefined,
  until: string | undefined,
): OverviewQuery {
  const { since: _s, until: _u, ...rest } = q;
  return parseOverviewQuery(toParams({ ...rest, ...(since ? { since } : {}), ...(until ? { until } : {}) }));
}

export interface ActiveFilter {
  readonly key: FilterKey;
  readonly value: string;
  readonly label: string;
}

/** The filters set, each with a label for its chip. */
export function activeFilters(q: OverviewQuery): ActiveFilter[] {
  const out: ActiveFilter[] = [];
  for (const key of FILTER_KEYS) {
    const value = q[key];
    if (value === undefined) continue;
    const label =
      key === 'c2Country'
        ? `C2 country: ${countryName(value)} (${value})`
        : key === 'family'
          ? `Family: ${value}`
          : `Network: ${value}`;
    out.push({ key, value, label });
  }
  return out;
}
