import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastCanonicalTimestamp, fastTimestampMs } from './fast-timestamp.js';
import { defaultBounds, normaliseTimestamp, parseTimestampMs } from './time.js';

const bounds = defaultBounds(Date.UTC(2026, 0, 1));

describe('fast timestamp path', () => {
  it('agrees with time.ts on the shapes it takes', () => {
    for (const s of [
      '2021-03-04 07:31:42',
      '2021-03-04T07:31:42',
      '2021-03-04 07:31:42 UTC',
      '2021-03-04T07:31:42Z',
      '2021-03-04T07:31:42+00:00',
      '2024-02-29 23:59:59',
    ]) {
      expect(fastTimestampMs(s), s).toBe(parseTimestampMs(s));
      expect(fastCanonicalTimestamp(s, bounds), s).toBe(
        (normaliseTimestamp(s, bounds) as { text: string }).text,
      );
    }
  });

  it('leaves everything else to time.ts', () => {
    for (const s of [
      '2021-02-30 00:00:00', // no such day
      '2023-02-29 00:00:00',
      '2021-03-04 24:00:00',
      '2021-03-04 07:60:00',
      '2021-03-04 07:31:60', // leap second: time.ts decides
      '2021-03-04 07:31:42+02:00',
      '2021-03-04 07:31:42.5',
      '2021-3-04 07:31:42',
      '1614842702',
      '',
    ])
      expect(fastTimestampMs(s), s).toBe(-1);
    // Out of bounds: the slow path words the message.
    expect(fastCanonicalTimestamp('2099-01-01 00:00:00', bounds)).toBeUndefined();
    expect(fastCanonicalTimestamp('1980-01-01 00:00:00', bounds)).toBeUndefined();
  });

  it('never disagrees with time.ts on random date-times', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        fc.constantFrom('', 'Z', ' UTC', '+00:00'),
        fc.constantFrom(' ', 'T'),
        (y, mo, d, h, mi, s, zone, sep) => {
          const p = (n: number, w = 2) => String(n).padStart(w, '0');
          const text = `${p(y, 4)}-${p(mo)}-${p(d)}${sep}${p(h)}:${p(mi)}:${p(s)}${zone}`;
          const fast = fastTimestampMs(text);
          if (fast >= 0) expect(fast).toBe(parseTimestampMs(text));
          const canon = fastCanonicalTimestamp(text, bounds);
          if (canon !== undefined)
            expect(canon).toBe((normaliseTimestamp(text, bounds) as { text: string }).text);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
