import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../domain/ip.js';
import { coverCidr4, coverCidr6, coverLength4, maskCidr4, maskCidr6 } from './cidr-cover.js';

const n = (s: string) => parseIPv4(s);

describe('coverCidr', () => {
  it('is the range itself when the range is one CIDR block', () => {
    expect(coverCidr4(n('192.0.2.77'), n('192.0.2.0'), n('192.0.2.255'))).toBe('192.0.2.0/24');
    expect(coverCidr4(n('0.0.0.0'), 0, 0xffffffff)).toBe('0.0.0.0/0');
    expect(coverCidr4(n('255.255.255.255'), 0, 0xffffffff)).toBe('0.0.0.0/0');
  });

  it('is the biggest aligned piece of an unaligned range', () => {
    // 203.0.113.0 - 203.0.113.9 = /29 (0-7) + /31 (8-9)
    expect(coverCidr4(n('203.0.113.0'), n('203.0.113.0'), n('203.0.113.9'))).toBe('203.0.113.0/29');
    expect(coverCidr4(n('203.0.113.7'), n('203.0.113.0'), n('203.0.113.9'))).toBe('203.0.113.0/29');
    expect(coverCidr4(n('203.0.113.9'), n('203.0.113.0'), n('203.0.113.9'))).toBe('203.0.113.8/31');
    expect(coverCidr4(n('198.51.100.5'), n('198.51.100.5'), n('198.51.100.5'))).toBe('198.51.100.5/32');
  });

  it('IPv6', () => {
    const start = 0x20010db8n << 96n;
    const end = start + (1n << 80n) - 1n; // 2001:db8::/48
    expect(coverCidr6(start + 12345n, start, end)).toBe('2001:db8::/48');
    expect(coverCidr6(start + 3n, start + 2n, start + 3n)).toBe('2001:db8::2/127');
    expect(maskCidr6(start + 0xffffn, 112)).toBe('2001:db8::/112');
  });

  it('always contains the address and stays inside the range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (a, b, c) => {
          const [start, ip, end] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
          const len = coverLength4(ip, start, end);
          const size = 2 ** (32 - len);
          const base = ip - (ip % size);
          expect(base).toBeGreaterThanOrEqual(start);
          expect(base + size - 1).toBeLessThanOrEqual(end);
          // one bit shorter would leave the range (or len is 0)
          if (len > 0) {
            const big = size * 2;
            const b2 = ip - (ip % big);
            expect(b2 < start || b2 + big - 1 > end).toBe(true);
          }
          expect(maskCidr4(ip, len)).toBe(coverCidr4(ip, start, end));
        },
      ),
    );
  });
});
