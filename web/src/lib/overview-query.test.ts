import { describe, expect, it } from 'vitest';
import {
  activeFilters,
  parseOverviewQuery,
  toSearch,
  withFilter,
  withoutFilter,
  withPeriod,
} from './overview-query';

describe('overview query <-> URL', () => {
  it('reads period and filters', () => {
    expect(
      parseOverviewQuery('?since=2026-10-01&until=2026-10-31&c2Country=de&family=emotet&network=AS4134'),
    ).toEqual({
      since: '2026-10-01',
      until: '2026-10-31',
      c2Country: 'DE',
      family: 'emotet',
      network: 'AS4134',
    });
  });

  it('drops malformed values instead of failing', () => {
    expect(
      parseOverviewQuery('since=2026-02-30&until=yesterday&c2Country=Germany&family=%20%20&network=&other=1'),
    ).toEqual({});
    expect(parseOverviewQuery(`family=${'x'.repeat(201)}`)).toEqual({});
  });

  it('swaps a period given backwards', () => {
    expect(parseOverviewQuery('since=2026-11-01&until=2026-10-01')).toEqual({
      since: '2026-10-01',
      until: '2026-11-01',
    });
  });

  it('prints in a fixed order and round-trips', () => {
    const q = { network: 'org-1', c2Country: 'US', until: '2026-11-21', since: '2026-10-23' };
    const s = toSearch(q);
    expect(s).toBe('?since=2026-10-23&until=2026-11-21&c2Country=US&network=org-1');
    expect(parseOverviewQuery(s)).toEqual(q);
    expect(toSearch({})).toBe('');
  });

  it('encodes values that need it', () => {
    const q = withFilter({}, 'family', 'cobalt strike & co');
    expect(toSearch(q)).toBe('?family=cobalt+strike+%26+co');
    expect(parseOverviewQuery(toSearch(q))).toEqual(q);
  });

  it('adds and removes filters without touching the rest', () => {
    const q = withFilter({ since: '2026-10-01' }, 'c2Country', 'jp');
    expect(q).toEqual({ since: '2026-10-01', c2Country: 'JP' });
    expect(withFilter(q, 'c2Country', 'not a code')).toBe(q);
    expect(withoutFilter(q, 'c2Country')).toEqual({ since: '2026-10-01' });
    expect(withoutFilter(q, 'family')).toEqual(q);
  });

  it('sets and clears the period', () => {
    const q = { c2Country: 'JP' };
    expect(withPeriod(q, '2026-10-01', '2026-10-31')).toEqual({
      since: '2026-10-01',
      until: '2026-10-31',
      c2Country: 'JP',
    });
    expect(withPeriod({ ...q, since: '2026-10-01' }, undefined, undefined)).toEqual(q);
  });

  it('labels each active filter for its chip', () => {
    expect(activeFilters({ c2Country: 'DE', family: 'emotet', since: '2026-10-01' })).toEqual([
      { key: 'c2Country', value: 'DE', label: 'C2 country: Germany (DE)' },
      { key: 'family', value: 'emotet', label: 'Family: emotet' },
    ]);
  });
});
