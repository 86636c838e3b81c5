import { describe, expect, it } from 'vitest';
import {
  addDays,
  formatChange,
  formatCompact,
  formatDay,
  formatInt,
  formatPeriod,
  formatTime,
  plural,
} from './format';

describe('formatInt', () => {
  it('matches toLocaleString("en-US") for the figures', () => {
    expect(formatInt(0)).toBe('0');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1453)).toBe('1,453');
    expect(formatInt(14_000_000)).toBe('14,000,000');
    expect(formatInt(1234.6)).toBe('1,235');
  });
});

describe('formatCompact', () => {
  it('shortens large numbers for axes', () => {
    expect(formatCompact(950)).toBe('950');
    expect(formatCompact(1234)).toBe('1.2k');
    expect(formatCompact(12_000)).toBe('12k');
    expect(formatCompact(250_000)).toBe('250k');
    expect(formatCompact(2_500_000)).toBe('2.5M');
    expect(formatCompact(3e9)).toBe('3B');
  });
});

describe('formatChange', () => {
  it('signs the change', () => {
    expect(formatChange(1.5, 1453, 1431)).toEqual({ text: '+1.5%', trend: 'up' });
    expect(formatChange(-48.3, 91, 176)).toEqual({ text: '\u221248.3%', trend: 'down' });
    expect(formatChange(200, 3, 1)).toEqual({ text: '+200.0%', trend: 'up' });
  });

  it('says no change, new, or nothing', () => {
    expect(formatChange(0, 13, 13)).toEqual({ text: 'no change', trend: 'flat' });
    expect(formatChange(null, 157, 0)).toEqual({ text: 'new', trend: 'new' });
    expect(formatChange(null, 0, 0)).toEqual({ text: '—', trend: 'none' });
  });
});

describe('days and times', () => {
  it('formats UTC days whatever the zone', () => {
    expect(formatDay('2026-11-21')).toBe('21 Nov 2026');
    expect(formatDay('not a day')).toBe('not a day');
    expect(formatPeriod('2026-10-23', '2026-11-21')).toBe('23 Oct 2026 – 21 Nov 2026');
    expect(formatPeriod('2026-10-23', '2026-10-23')).toBe('23 Oct 2026');
  });

  it('formats times in UTC', () => {
    expect(formatTime('2026-11-21T14:05:33.120Z')).toBe('2026-11-21 14:05 UTC');
    expect(formatTime(undefined)).toBe('—');
    expect(formatTime('soon')).toBe('soon');
  });

  it('adds days across months and years', () => {
    expect(addDays('2026-11-21', -29)).toBe('2026-10-23');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});

describe('plural', () => {
  it('agrees with the number', () => {
    expect(plural(1, 'country', 'countries')).toBe('1 country');
    expect(plural(0, 'country', 'countries')).toBe('0 countries');
    expect(plural(1234, 'host', 'hosts')).toBe('1,234 hosts');
  });
});
