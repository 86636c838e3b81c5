import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, defaultBounds, formatTimestamp, normaliseTimestamp, parseTimestampMs } from './time.js';

const NOW = Date.UTC(2026, 10, 1); // 2026-11-01T00:00:00Z
const BOUNDS = defaultBounds(NOW);
const norm = (v: string | number) => normaliseTimestamp(v, BOUNDS);

describe('normaliseTimestamp: accepted forms', () => {
  it.each<[string | number, string]>([
    ['2021-03-04 05:06:07', '2021-03-04T05:06:07+00:00'],
    ['  2021-03-04 05:06:07  ', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07Z', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04t05:06:07z', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07 UTC', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07+00:00', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07+02:00', '2021-03-04T03:06:07+00:00'],
    ['2021-03-04T05:06:07+02', '2021-03-04T03:06:07+00:00'],
    ['2021-03-04T05:06:07-0530', '2021-03-04T10:36:07+00:00'],
    ['2021-03-04T05:06:07+05:45', '2021-03-03T23:21:07+00:00'],
    ['2021-03-04T05:06:07+14:00', '2021-03-03T15:06:07+00:00'],
    ['2021-03-04 05:06:07 +0000', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04T05:06:07.123456Z', '2021-03-04T05:06:07.123+00:00'],
    ['2021-03-04T05:06:07.1Z', '2021-03-04T05:06:07.100+00:00'],
    ['2021-03-04T05:06:07,5Z', '2021-03-04T05:06:07.500+00:00'],
    ['2021-03-04T05:06:07.000Z', '2021-03-04T05:06:07+00:00'],
    ['2021-03-04', '2021-03-04T00:00:00+00:00'],
    ['2021-03-04 05:06', '2021-03-04T05:06:00+00:00'],
    ['2020-02-29 00:00:00', '2020-02-29T00:00:00+00:00'], // leap year
    ['2000-02-29', '2000-02-29T00:00:00+00:00'], // divisible by 400
    ['2021-03-04 23:59:60', '2021-03-04T23:59:59+00:00'], // leap second held at :59
    ['1614834367', '2021-03-04T05:06:07+00:00'], // epoch seconds
    ['1614834367.5', '2021-03-04T05:06:07.500+00:00'],
    ['1614834367123', '2021-03-04T05:06:07.123+00:00'], // epoch milliseconds
    [1614834367, '2021-03-04T05:06:07+00:00'],
    [1614834367123, '2021-03-04T05:06:07.123+00:00'],
    ['1990-01-01 00:00:00', '1990-01-01T00:00:00+00:00'], // the lower bound itself
    ['2026-11-02 00:00:00', '2026-11-02T00:00:00+00:00'], // exactly one day ahead of "now"
  ])('%j -> %s', (input, expected) => {
    expect(norm(input)).toEqual({ text: expected });
  });
});

describe('normaliseTimestamp: rejected', () => {
  it.each<[string | number, string]>([
    ['2021-02-29 00:00:00', 'day 29 out of range'],
    ['1900-02-29', 'day 29 out of range'],
    ['2021-02-30', 'day 30 out of range'],
    ['2021-04-31', 'day 31 out of range'],
    ['2021-03-00', 'day 00 out of range'],
    ['2021-13-01', 'month 13 out of range'],
    ['2021-00-10', 'month 00 out of range'],
    ['2021-03-04 24:00:00', 'time of day out of range'],
    ['2021-03-04 23:60:00', 'time of day out of range'],
    ['2021-03-04T05:06:07+15:00', 'offset +15:00 out of range'],
    ['2021-03-04T05:06:07+0260', 'offset +0260 out of range'],
    ['2026-11-02 00:00:01', 'in the future'],
    ['2100-01-01', 'in the future'],
    ['1989-12-31 23:59:59', 'before 1990-01-01T00:00:00+00:00'],
    ['0095-06-01', 'before 1990'], // not read as 1995 (Date.UTC's two-digit-year rule)
    ['123456789', 'before 1990'],
    [-5, 'before 1990'],
    [1e11, 'in the future'],
    ['yesterday', 'is not a timestamp'],
    ['', 'is not a timestamp'],
    ['2021-3-4', 'is not a timestamp'],
    ['04/03/2021', 'is not a timestamp'],
    ['Thu, 04 Mar 2021 05:06:07 GMT', 'is not a timestamp'],
    ['2021-03-04T05:06:07+00:00junk', 'is not a timestamp'],
    ['99999999999', 'is not a timestamp'],
    [Number.NaN, 'not a finite number'],
    [Number.POSITIVE_INFINITY, 'not a finite number'],
  ])('%j (%s)', (input, why) => {
    const r = norm(input);
    expect(typeof r).toBe('string');
    expect(r).toContain(why);
  });

  it('names the value in the reason, cut to a readable length', () => {
    const long = `x${'y'.repeat(500)}`;
    const r = norm(long) as string;
    expect(r).toContain('"xyyy');
    expect(r.length).toBeLessThan(200);
  });
});

describe('formatTimestamp / parseTimestampMs', () => {
  it('round-trips every millisecond between 1990 and 2100', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2100, 0, 1) }), (ms) => {
        const t = formatTimestamp(ms);
        expect(t).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+00:00$/);
        expect(parseTimestampMs(t)).toBe(ms);
        expect(dayOf(t)).toBe(new Date(ms).toISOString().slice(0, 10));
      }),
      { numRuns: 1000 },
    );
  });

  it('is an instant: the same moment in any offset gives the same text', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1991, 0, 1), max: Date.UTC(2025, 0, 1) }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (ms, offsetMin) => {
          const s = Math.floor(ms / 1000) * 1000;
          const local = new Date(s + offsetMin * 60_000).toISOString().slice(0, 19);
          const sign = offsetMin < 0 ? '-' : '+';
          const abs = Math.abs(offsetMin);
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
          expect(norm(`${local}${zone}`)).toEqual({ text: formatTimestamp(s) });
        },
      ),
      { numRuns: 500 },
    );
  });
});
