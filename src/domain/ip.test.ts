import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nonPublicReason, parseCidr, parseIPv4, parseIp } from './ip.js';

const text = (s: string) => parseIp(s)?.text;
const reason = (s: string) => {
  const ip = parseIp(s);
  if (!ip) throw new Error(`test input ${s} does not parse`);
  return nonPublicReason(ip);
};

describe('IPv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['192.0.2.1', 0xc0000201],
    ['10.0.0.0', 0x0a000000],
  ])('parses %s', (s, n) => {
    expect(parseIPv4(s)).toBe(n);
    expect(text(s)).toBe(s);
  });

  it.each([
    '01.2.3.4', // leading zeros are octal to inet_aton and decimal to others: ambiguous, rejected
    '1.2.3.04',
    '192.000.2.1',
    '256.1.1.1',
    '1.2.3.256',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    '0x1.2.3.4',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.-4',
    '',
    '1234.1.1.1',
  ])('rejects %j', (s) => {
    expect(parseIPv4(s)).toBe(-1);
    expect(parseIp(s)).toBeUndefined();
  });

  it('agrees with node:net on random dotted quads', () => {
    fc.assert(
      fc.property(fc.ipV4(), (s) => {
        expect(text(s)).toBe(s);
      }),
      { numRuns: 500 },
    );
    // Random strings from the IPv4 alphabet: accepted exactly when node accepts them and they
    // carry no leading zeros.
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9.]{1,16}$/), (s) => {
        const strict = isIPv4(s) && !s.split('.').some((p) => p.length > 1 && p.startsWith('0'));
        expect(parseIPv4(s) >= 0).toBe(strict);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('IPv6 canonical form (RFC 5952)', () => {
  it.each([
    ['2001:DB8::1', '2001:db8::1'], // 4.3 lower case
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'], // 4.1 no leading zeros
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'], // 4.2.1 shorten as much as possible
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // 4.2.2 never "::" for one group
    ['2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'], // 4.2.3 the longest run
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // 4.2.3 the first of equal runs
    ['0:0:0:0:0:0:0:0', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['a:b:c:d:e:f:0:0', 'a:b:c:d:e:f::'],
    // embedded IPv4 in the last 32 bits
    ['64:ff9b::192.0.2.1', '64:ff9b::c000:201'],
    ['2001:db8::198.51.100.1', '2001:db8::c633:6401'],
    ['1:2:3:4:5:6:192.0.2.1', '1:2:3:4:5:6:c000:201'],
  ])('%s -> %s', (input, canonical) => {
    const ip = parseIp(input);
    expect(ip?.version).toBe(6);
    expect(ip?.text).toBe(canonical);
    expect(text(canonical)).toBe(canonical); // canonical form is a fixed point
  });

  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::FFFF:c000:0201', '192.0.2.1'],
    ['0:0:0:0:0:ffff:198.51.100.7', '198.51.100.7'],
  ])('IPv4-mapped %s is reported as the IPv4 address %s', (input, v4) => {
    const ip = parseIp(input);
    expect(ip?.version).toBe(4);
    expect(ip?.text).toBe(v4);
  });

  it.each([
    'fe80::1%eth0', // zone ids are not addresses on the Internet
    '[2001:db8::1]',
    '2001:db8::/32',
    '2001:db8:::1',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:1.2.3.4',
    '::ffff:01.2.3.4',
    '::ffff:256.1.1.1',
    '12345::1',
    'g::1',
    ':',
    '1:2',
  ])('rejects %j', (s) => {
    expect(parseIp(s)).toBeUndefined();
  });

  it('agrees with the WHATWG URL serializer on random addresses', () => {
    // The URL parser serialises IPv6 hosts in RFC 5952 form (hex only): an independent oracle.
    fc.assert(
      fc.property(fc.ipV6(), (s) => {
        const ip = parseIp(s);
        expect(ip).toBeDefined();
        const expected = new URL(`http://[${s}]/`).hostname.slice(1, -1);
        if (ip?.version === 4) expect(expected).toMatch(/^::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}$/);
        else expect(ip?.text).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('non-public address classes', () => {
  it.each([
    ['0.1.2.3', 'this-network'],
    ['10.255.0.1', 'private'],
    ['100.64.0.1', 'shared address space'],
    ['100.127.255.255', 'shared address space'],
    ['127.0.0.1', 'loopback'],
    ['169.254.1.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.255', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'unique local'],
    ['fdff:ffff::1', 'unique local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard-only'],
    ['2001:2::1', 'benchmarking'],
    ['::c000:201', 'not global unicast'], // IPv4-compatible, deprecated
    ['4000::1', 'not global unicast'],
    ['::ffff:10.0.0.1', 'private'], // mapped: judged as the IPv4 address
  ])('%s is %s', (s, why) => {
    expect(reason(s)).toContain(why);
  });

  it.each([
    '1.1.1.1',
    '9.255.255.255',
    '11.0.0.0',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '192.169.0.0',
    '198.17.255.255',
    '198.20.0.0',
    '223.255.255.255',
    // documentation ranges are deliberately public here (the warninglist enricher flags them)
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '2001:db8::1',
    '2a00:1450:4001::1',
    '2002:c000:201::1',
    '64:ff9b::808:808', // NAT64 of a public IPv4 address
    '3fff:ffff::1',
  ])('%s is public', (s) => {
    expect(reason(s)).toBeUndefined();
  });
});

describe('CIDR', () => {
  it.each([
    ['192.0.2.77/24', '192.0.2.0/24'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['203.0.113.255/31', '203.0.113.254/31'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['198.51.100.9', '198.51.100.9/32'],
    ['198.51.100.9/32', '198.51.100.9/32'],
    ['2001:DB8::1/32', '2001:db8::/32'],
    ['2001:db8:ffff::/33', '2001:db8:8000::/33'],
    ['2001:db8:0:0:1::/64', '2001:db8::/64'],
    ['2001:db8::1', '2001:db8::1/128'],
    ['::/0', '::/0'],
    ['::ffff:192.0.2.77/120', '192.0.2.0/24'],
    ['::ffff:192.0.2.77', '192.0.2.77/32'],
  ])('%s -> %s', (input, canonical) => {
    const r = parseCidr(input);
    expect(typeof r === 'string' ? r : r.text).toBe(canonical);
  });

  it.each([
    ['192.0.2.0/33', 'over 32'],
    ['2001:db8::/129', 'over 128'],
    ['192.0.2.0/', 'not a number'],
    ['192.0.2.0/-1', 'not a number'],
    ['192.0.2.0/ 24', 'not a number'],
    ['192.0.2.0/24/1', 'not a number'],
    ['192.0.2/24', 'not an IP address'],
    ['::ffff:192.0.2.0/95', 'under 96'],
    ['example.com/24', 'not an IP address'],
  ])('rejects %s (%s)', (input, why) => {
    const r = parseCidr(input);
    expect(typeof r).toBe('string');
    expect(r).toContain(why);
  });
});
