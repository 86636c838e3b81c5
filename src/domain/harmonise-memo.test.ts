/**
 * harmonise memoises normalised values per field (harmonise.ts, FieldMemo): with the memo on, every
 * record must come out exactly as with it off, accepted or refused with the same reason, whatever
 * the order values repeat in, across the memo's clearing and pausing.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { harmonise, setHarmoniseMemo } from './harmonise.js';
import type { RawFields } from './schema/event.js';
import { defaultBounds } from './time.js';

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };

/** Few values per field, valid and not, so that they repeat and the memo is hit. */
const POOLS: Readonly<Record<string, readonly (string | number)[]>> = {
  'source.ip': [
    '198.51.100.7',
    '2001:db8::1',
    ' 203.0.113.9 ',
    '10.0.0.1',
    'not-an-ip',
    '8.8.8.8',
    '1.1.1.1',
  ],
  'destination.ip': ['192.0.2.200', '::ffff:8.8.4.4', '127.0.0.1', '999.1.1.1', '8.8.8.8'],
  'destination.port': ['443', 80, '65536', ' 8080', '-1', 'http', 0],
  'source.asn': ['AS64496', 4134, '0', 'as13335', 4294967296, ' 15169 '],
  'source.geolocation.cc': ['cn', 'US', 'XXX', ' de ', '1A'],
  'classification.type': ['infected-system', 'c2-server', 'Infected-System', 'nonsense'],
  'malware.name': ['Emotet', 'qakbot', '', '  ', 'x'.repeat(300)],
  'protocol.transport': ['tcp', 'UDP', 'carrier-pigeon'],
  'source.fqdn': ['Example.COM.', 'bad..name', 'host.example.org', '8.8.8.8'],
  tlp: ['amber', 'TLP:RED', 'white', 'ultraviolet'],
};

const record = fc.record(
  Object.fromEntries(
    Object.entries(POOLS).map(([k, pool]) => [k, fc.option(fc.constantFrom(...pool), { nil: undefined })]),
  ),
) as fc.Arbitrary<Record<string, string | number | undefined>>;

function run(records: readonly RawFields[]) {
  return records.map((r) => harmonise(r, CTX, { 'feed.name': 'memo-test' }));
}

describe('harmonise memo', () => {
  afterEach(() => setHarmoniseMemo(true));

  it('gives the same events and the same refusals as without it', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 200 }), (rows) => {
        const raws = rows.map((r) =>
          Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)),
        ) as RawFields[];
        setHarmoniseMemo(false);
        const plain = run(raws);
        setHarmoniseMemo(true);
        expect(run(raws)).toEqual(plain);
        expect(run(raws)).toEqual(plain); // again, every value now in the memo
      }),
      { numRuns: 150 },
    );
  });

  it('stays right when a field has too many distinct values to memoise (cleared and paused)', () => {
    const raws: RawFields[] = [];
    for (let i = 0; i < 12_000; i++)
      raws.push({
        'source.ip': `198.51.${(i >> 8) & 255}.${i & 255}`,
        'source.port': String(i % 70_000),
        'destination.ip': i % 7 === 0 ? '10.0.0.1' : '192.0.2.1',
      });
    setHarmoniseMemo(false);
    const plain = run(raws);
    setHarmoniseMemo(true);
    expect(run(raws)).toEqual(plain);
  });
});
