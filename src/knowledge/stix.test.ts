import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timestampMicros } from './stix.js';

/** The definition timestampMicros had before its day cache: Date.parse of each timestamp. */
function reference(text: string): number | undefined {
  const m =
    /^([0-9]{4})-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?Z$/.exec(
      text,
    );
  if (!m) return undefined;
  const ms = Date.parse(`${text.slice(0, 19)}Z`);
  if (Number.isNaN(ms)) return undefined;
  if (new Date(ms).toISOString().slice(0, 10) !== text.slice(0, 10)) return undefined;
  return ms * 1000 + Number((m[7] ?? '.').slice(1).padEnd(6, '0').slice(0, 6));
}

describe('timestampMicros', () => {
  it('reads STIX timestamps to the microsecond and refuses what is not one', () => {
    expect(timestampMicros('2026-03-01T10:00:00.000Z')).toBe(Date.UTC(2026, 2, 1, 10) * 1000);
    expect(timestampMicros('2016-02-21T05:01:01.123456789Z')).toBe(
      Date.UTC(2016, 1, 21, 5, 1, 1) * 1000 + 123456,
    );
    expect(timestampMicros('1969-12-31T23:59:59.5Z')).toBe(-500_000);
    for (const bad of [
      '2026-02-30T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01 10:00:00Z',
      '2026-01-01T10:00:00+01:00',
      '',
    ])
      expect(timestampMicros(bad), bad).toBeUndefined();
  });

  it('agrees with Date.parse on random timestamps, valid or not', () => {
    const two = (lo: number, hi: number) =>
      fc.integer({ min: lo, max: hi }).map((n) => String(n).padStart(2, '0'));
    const ts = fc
      .tuple(
        fc.integer({ min: 1900, max: 2200 }),
        two(1, 12),
        two(1, 31),
        two(0, 23),
        two(0, 59),
        two(0, 60),
        fc.option(fc.stringMatching(/^[0-9]{1,9}$/)),
      )
      .map(([y, mo, d, h, mi, s, f]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${f === null ? '' : `.${f}`}Z`);
    fc.assert(
      fc.property(ts, (t) => {
        expect(timestampMicros(t)).toBe(reference(t));
      }),
      { numRuns: 5000 },
    );
  });
});
