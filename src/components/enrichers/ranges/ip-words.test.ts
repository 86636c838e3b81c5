import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIPv6, parseIPv6 } from '../../../domain/ip.js';
import { bigIntToWords, compareWords, formatIPv6BigInt, parseIPv6Words, wordsToBigInt } from './ip-words.js';

const words = (s: string) => {
  const w = new Uint32Array(4);
  return parseIPv6Words(s, w) ? [...w] : undefined;
};

describe('parseIPv6Words', () => {
  it('reads the usual forms', () => {
    expect(words('::')).toEqual([0, 0, 0, 0]);
    expect(words('::1')).toEqual([0, 0, 0, 1]);
    expect(words('2001:db8::')).toEqual([0x20010db8, 0, 0, 0]);
    expect(words('2001:DB8:0:0:1:0:0:ffff')).toEqual([0x20010db8, 0, 0x10000, 0xffff]);
    expect(words('1:2:3:4:5:6:7::')).toEqual([0x10002, 0x30004, 0x50006, 0x70000]);
    expect(words('::ffff:192.0.2.1')).toEqual([0, 0, 0xffff, 0xc0000201]);
    expect(words('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff')).toEqual([
      0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
    ]);
  });

  it('refuses what is not IPv6', () => {
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      'g::',
      '2001:db8:',
      '192.0.2.1',
      'fe80::1%eth0',
      '::1.2.3',
    ])
      expect(words(bad), bad).toBeUndefined();
  });

  it('agrees with the domain parser on any address', () => {
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const groups = parseIPv6(s);
        const w = words(s);
        expect(w).toBeDefined();
        expect(groups).toBeDefined();
        const g = groups!;
        expect(w).toEqual([0, 1, 2, 3].map((k) => (g[2 * k]! * 65536 + g[2 * k + 1]!) >>> 0));
        expect(formatIPv6BigInt(wordsToBigInt(w!))).toBe(formatIPv6(g));
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through BigInt and orders like numbers', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (a, b) => {
          const wa = new Uint32Array(4);
          const wb = new Uint32Array(4);
          bigIntToWords(a, wa);
          bigIntToWords(b, wb);
          expect(wordsToBigInt(wa)).toBe(a);
          expect(Math.sign(compareWords(wa, 0, wb, 0))).toBe(a < b ? -1 : a > b ? 1 : 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
