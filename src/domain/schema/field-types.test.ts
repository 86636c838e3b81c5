import { describe, expect, it } from 'vitest';
import { defaultBounds } from '../time.js';
import { FIELD_TYPES, type FieldConstraints, type FieldTypeName } from './field-types.js';

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };

interface TypeCases {
  readonly constraints?: FieldConstraints;
  /** raw value -> canonical value */
  readonly good: ReadonlyArray<readonly [unknown, unknown]>;
  /** raw value -> part of the reason */
  readonly bad: ReadonlyArray<readonly [unknown, string]>;
}

/** 210 characters as written, over 253 in punycode. */
const longIdn = `${Array.from({ length: 7 }, () => 'äöüßéèêëìíîïñòóôõäöüßéèêëìíî').join('.')}.example`;

/** Every type has good and bad cases; a type added to FIELD_TYPES without cases fails below. */
const CASES: Record<FieldTypeName, TypeCases> = {
  ip: {
    constraints: { public: true },
    good: [
      ['192.0.2.1', '192.0.2.1'],
      [' 198.51.100.7 ', '198.51.100.7'],
      ['2001:DB8:0:0::1', '2001:db8::1'],
      ['::ffff:203.0.113.9', '203.0.113.9'],
    ],
    bad: [
      ['10.0.0.1', '10.0.0.1 is not a public address: private (10.0.0.0/8)'],
      ['fe80::1', 'link-local'],
      ['192.0.2.300', 'is not an IP address'],
      [123, 'is not an IP address'],
      [{}, 'is not an IP address'],
    ],
  },
  cidr: {
    good: [
      ['192.0.2.77/24', '192.0.2.0/24'],
      ['2001:db8::1/48', '2001:db8::/48'],
      ['203.0.113.5', '203.0.113.5/32'],
    ],
    bad: [
      ['192.0.2.0/40', 'is not a CIDR network: prefix length 40 is over 32'],
      [true, 'is not a network'],
    ],
  },
  fqdn: {
    good: [
      ['Example.COM', 'example.com'],
      ['www.example.com.', 'www.example.com'], // trailing root dot dropped
      ['bücher.example', 'xn--bcher-kva.example'], // IDN to punycode
      ['MÜNCHEN.example.', 'xn--mnchen-3ya.example'],
      ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
      ['_dmarc.example.com', '_dmarc.example.com'],
      [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    ],
    bad: [
      ['localhost', 'has no dot'],
      ['-bad.example', 'invalid label "-bad"'],
      ['bad-.example', 'invalid label "bad-"'],
      ['a..example', 'invalid label ""'],
      ['example.com..', 'invalid label ""'],
      ['*.example.com', 'invalid label "*"'],
      ['exa mple.com', 'invalid label'],
      [`${'a'.repeat(64)}.example`, 'invalid label'],
      [`${'abcdefghi.'.repeat(26)}example`, 'over 253'],
      [longIdn, 'in punycode, over 253'],
      ['example.123', 'numeric label'],
      ['192.0.2.1', 'is an IP address, not a domain name'],
      ['ü.example:80', 'not a valid internationalised domain name'],
      ['ü@evil.example', 'not a valid internationalised domain name'],
      ['', 'empty domain name'],
    ],
  },
  url: {
    good: [
      ['http://example.com', 'http://example.com/'],
      ['HTTPS://Example.COM:443/a?b=1#c', 'https://example.com/a?b=1#c'],
      ['example.com/path', 'http://example.com/path'], // no scheme: http
      ['example.com:8080/x', 'http://example.com:8080/x'], // host:port, not a scheme
      ['http://[2001:db8::1]:8080/x', 'http://[2001:db8::1]:8080/x'],
      ['http://bücher.example/ä', 'http://xn--bcher-kva.example/%C3%A4'],
      ['ftp://example.com/f', 'ftp://example.com/f'],
    ],
    bad: [
      ['mailto:abuse@example.com', 'has no host'],
      ['urn:isbn:0451450523', 'has no host'],
      ['file:///etc/passwd', 'has no host'],
      ['http://', 'is not a URL'],
      ['http://exa mple.com/', 'contains whitespace'],
      [`http://example.com/${'a'.repeat(8200)}`, 'over 8192'],
      ['', 'empty URL'],
    ],
  },
  asn: {
    good: [
      ['AS123', 123],
      ['as64496', 64496],
      [' AS65551 ', 65551],
      ['4294967295', 4294967295],
      [64500, 64500],
    ],
    bad: [
      ['AS0', 'is not an AS number'],
      ['AS4294967296', 'is not an AS number'],
      ['ASN123', 'is not an AS number'],
      ['AS1.5', 'is not an AS number'],
      [12.5, 'is not an AS number'],
      ['AS-1', 'is not an AS number'],
    ],
  },
  'country-code': {
    good: [
      ['de', 'DE'],
      [' fr ', 'FR'],
      ['NL', 'NL'],
    ],
    bad: [
      ['DEU', 'is not a two-letter country code'],
      ['D1', 'is not a two-letter country code'],
      ['', 'is not a two-letter country code'],
    ],
  },
  port: {
    good: [
      [0, 0],
      ['443', 443],
      [' 8080 ', 8080],
      [65535, 65535],
    ],
    bad: [
      [65536, 'is not a port number'],
      [-1, 'is not a port number'],
      ['80.0', 'is not a port number'],
      ['0x50', 'is not a port number'],
      [80.5, 'is not a port number'],
    ],
  },
  timestamp: {
    good: [
      ['2026-10-30 12:00:00', '2026-10-30T12:00:00+00:00'],
      [1793361600, '2026-10-30T12:00:00+00:00'],
    ],
    bad: [
      ['2026-02-30 00:00:00', 'day 30 out of range'],
      ['2030-01-01T00:00:00Z', 'in the future'],
      [true, 'is not a timestamp'],
    ],
  },
  tlp: {
    good: [
      ['WHITE', 'CLEAR'], // TLP 1.0 WHITE is TLP 2.0 CLEAR
      ['tlp:white', 'CLEAR'],
      ['TLP:CLEAR', 'CLEAR'],
      ['green', 'GREEN'],
      ['Amber', 'AMBER'],
      ['tlp:amber+strict', 'AMBER+STRICT'],
      ['RED ', 'RED'],
    ],
    bad: [
      ['AMBER STRICT', 'is not a TLP 2.0 label'],
      ['TLP:AMBER-STRICT', 'is not a TLP 2.0 label'],
      ['PURPLE', 'is not a TLP 2.0 label'],
      ['', 'is not a TLP 2.0 label'],
    ],
  },
  enum: {
    constraints: { values: ['tcp', 'udp'] },
    good: [
      ['TCP', 'tcp'],
      ['udp', 'udp'],
    ],
    bad: [['http', 'is not one of: tcp, udp']],
  },
  string: {
    constraints: { maxLength: 5, pattern: /^[^A-Z]*$/ },
    good: [
      [' abc ', 'abc'],
      [42, '42'],
      ['a'.repeat(5), 'aaaaa'],
    ],
    bad: [
      ['a'.repeat(6), 'text is 6 characters, over 5'],
      ['ABC', 'does not match'],
      [true, 'is not text'],
      [null, 'is not text'],
    ],
  },
  integer: {
    constraints: { min: 0, max: 10 },
    good: [
      ['5', 5],
      ['+4', 4],
      [10, 10],
    ],
    bad: [
      ['-3', '-3 is below 0'],
      [11, '11 is above 10'],
      ['1e3', 'is not a whole number'],
      [7.5, 'is not a whole number'],
    ],
  },
  hash: {
    constraints: { pattern: /^[0-9a-f]{32}$/ },
    good: [['D41D8CD98F00B204E9800998ECF8427E', 'd41d8cd98f00b204e9800998ecf8427e']],
    bad: [
      ['d41d8cd98f00b204e9800998ecf8427', 'is not a valid digest'],
      ['z41d8cd98f00b204e9800998ecf8427e', 'is not a valid digest'],
    ],
  },
  json: {
    good: [
      [
        { a: 1, b: ['x'] },
        { a: 1, b: ['x'] },
      ],
    ],
    bad: [
      [[1, 2], 'is not a JSON object'],
      ['{"a":1}', 'is not a JSON object'],
      [null, 'is not a JSON object'],
    ],
  },
};

describe('field types', () => {
  it('every type has cases', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(FIELD_TYPES).sort());
  });

  for (const [type, cases] of Object.entries(CASES) as [FieldTypeName, TypeCases][]) {
    describe(type, () => {
      const normalise = (v: unknown) => FIELD_TYPES[type].normalise(v, cases.constraints ?? {}, CTX);
      it.each(cases.good.map(([raw, want]) => [JSON.stringify(raw).slice(0, 60), raw, want]))(
        'accepts %s',
        (_label, raw, want) => {
          expect(normalise(raw)).toEqual({ value: want });
          // Normalising the canonical value again changes nothing.
          expect(normalise(want)).toEqual({ value: want });
        },
      );
      it.each(cases.bad.map(([raw, why]) => [JSON.stringify(raw).slice(0, 60), raw, why]))(
        'rejects %s',
        (_label, raw, why) => {
          const r = normalise(raw);
          expect(typeof r).toBe('string');
          expect(r).toContain(why);
        },
      );
    });
  }
});
