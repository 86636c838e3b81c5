import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigIntToWords } from './ip-words.js';
import { RangeTableBuilder } from './range-table.js';

const w6 = (v: bigint) => {
  const w = new Uint32Array(4);
  bigIntToWords(v, w);
  return w;
};

describe('RangeTable IPv4', () => {
  const b = new RangeTableBuilder<string>();
  b.beginSource('t');
  b.add4(100, 199, 'a', 1);
  b.add4(300, 300, 'b', 2);
  b.add4(0, 9, 'z', 3); // out of order on purpose
  b.add4(0xfffffff0, 0xffffffff, 'top', 4);
  const t = b.build();

  it('finds first and last address of each range, and nothing around them', () => {
    expect(t.get4(100)).toBe('a');
    expect(t.get4(199)).toBe('a');
    expect(t.get4(99)).toBeUndefined();
    expect(t.get4(200)).toBeUndefined();
    expect(t.get4(300)).toBe('b');
    expect(t.get4(299)).toBeUndefined();
    expect(t.get4(301)).toBeUndefined();
    expect(t.get4(0)).toBe('z');
    expect(t.get4(9)).toBe('z');
    expect(t.get4(0xffffffff)).toBe('top');
    expect(t.get4(0xffffffef)).toBeUndefined();
    expect(b.overlaps.v4.count).toBe(0);
  });

  it('an empty table finds nothing', () => {
    const e = new RangeTableBuilder<string>().build();
    expect(e.get4(5)).toBeUndefined();
    expect(e.get6(w6(5n))).toBeUndefined();
  });
});

describe('RangeTable overlaps: the narrower range wins', () => {
  it('cuts a wide range around a nested one and reports it', () => {
    const b = new RangeTableBuilder<string>();
    b.beginSource('geo.csv');
    b.add4(1000, 1511, 'DE', 10);
    b.add4(1271, 1271, 'BE', 11);
    b.add4(1272, 1511, 'DE', 12);
    const t = b.build();
    expect(t.get4(1270)).toBe('DE');
    expect(t.get4(1271)).toBe('BE');
    expect(t.get4(1272)).toBe('DE');
    expect(t.get4(1511)).toBe('DE');
    expect(t.get4(1512)).toBeUndefined();
    expect(b.overlaps.v4.count).toBe(2);
    expect(b.overlaps.v4.examples[0]).toBe('geo.csv:11 inside geo.csv:10');
  });

  it('identical ranges: the first added wins', () => {
    const b = new RangeTableBuilder<string>();
    b.add4(5, 10, 'first');
    b.add4(5, 10, 'second');
    b.add6(w6(5n), 0, w6(10n), 0, 'first6');
    b.add6(w6(5n), 0, w6(10n), 0, 'second6');
    const t = b.build();
    expect(t.get4(7)).toBe('first');
    expect(t.get6(w6(7n))).toBe('first6');
  });

  // Random CIDR blocks (nested or disjoint), against a brute-force longest-prefix match.
  const block = (bits: number) =>
    fc.record({
      len: fc.integer({ min: 0, max: bits }),
      base: fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }),
    });

  for (const [family, bits, maxLen] of [
    [4, 32, 32],
    [6, 128, 128],
  ] as const) {
    it(`longest prefix wins over random nested IPv${family} blocks`, () => {
      fc.assert(
        fc.property(
          fc.array(block(bits), { minLength: 1, maxLength: 30 }),
          fc.array(fc.bigInt({ min: 0n, max: (1n << BigInt(bits)) - 1n }), { maxLength: 30 }),
          (raw, probes) => {
            // Short prefixes make everything nest; keep most blocks fairly specific.
            const blocks = raw.map(({ len, base }, i) => {
              const l = Math.max(len, maxLen - 12);
              const size = 1n << BigInt(bits - l);
              const start = base - (base % size);
              return { start, end: start + size - 1n, len: l, id: i };
            });
            const b = new RangeTableBuilder<number>();
            for (const x of blocks) {
              if (family === 4) b.add4(Number(x.start), Number(x.end), x.id);
              else b.add6(w6(x.start), 0, w6(x.end), 0, x.id);
            }
            const t = b.build();
            const points = [
              ...probes,
              ...blocks.flatMap((x) => [x.start, x.end, x.start - 1n, x.end + 1n]),
            ].filter((p) => p >= 0n && p < 1n << BigInt(bits));
            for (const p of points) {
              let want: { len: number; id: number } | undefined;
              for (const x of blocks) if (x.start <= p && p <= x.end && (!want || x.len > want.len)) want = x;
              const got = family === 4 ? t.get4(Number(p)) : t.get6(w6(p));
              expect(got, `at ${p}`).toBe(want?.id);
            }
          },
        ),
        { numRuns: 300 },
      );
    });
  }
});
