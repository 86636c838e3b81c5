import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { harmonise } from '../harmonise.js';
import { RSIT_TYPES } from '../taxonomy.js';
import { defaultBounds } from '../time.js';
import type { RawFields } from './event.js';
import { FIELD_NAMES, FIELDS, type FieldDef } from './fields.js';
import { eventJsonSchema, fieldJsonSchema } from './json-schema.js';

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };
// strict: an unknown keyword or a malformed schema is an error. Formats are annotations here
// (ajv-formats is not a dependency); the patterns carry the checks.
// strictRequired is off: `anyOf: [{ required: [...] }]` is valid 2020-12 that ajv's lint flags.
const ajv = new Ajv2020({ strict: true, strictRequired: false, allErrors: true, validateFormats: false });
const validate = ajv.compile(eventJsonSchema());

function harmonised(raw: RawFields) {
  const r = harmonise(raw, CTX);
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.event;
}

function check(e: unknown): string[] {
  return validate(e) ? [] : (validate.errors ?? []).map((x) => `${x.instancePath} ${x.message}`);
}

/** A raw record that sets every field in the schema. */
const EVERYTHING: RawFields = {
  'feed.name': 'Example Feed',
  'feed.provider': 'Example CERT',
  'feed.code': 'event4_sinkhole',
  'feed.url': 'https://example.com/feed.csv',
  'feed.documentation': 'https://example.com/docs',
  'time.source': '2026-10-30 12:00:00.25',
  'time.observation': '2026-11-01T00:00:00Z',
  'classification.taxonomy': 'malicious-code',
  'classification.type': 'infected-system',
  'classification.identifier': 'emotet',
  'source.ip': '198.51.100.23',
  'source.port': '49152',
  'source.network': '198.51.100.0/24',
  'source.asn': 'AS64496',
  'source.as_name': 'EXAMPLE-AS',
  'source.geolocation.cc': 'de',
  'source.geolocation.region': 'Hessen',
  'source.geolocation.city': 'Frankfurt',
  'source.fqdn': 'victim.example.com',
  'source.reverse_dns': 'host-23.example.net.',
  'source.url': 'example.com/x',
  'source.urlpath': '/x',
  'source.local_ip': '10.0.0.5',
  'source.local_hostname': 'desk-17',
  'destination.ip': '2001:DB8::80',
  'destination.port': 443,
  'destination.network': '2001:db8::/32',
  'destination.asn': 64511,
  'destination.as_name': 'OTHER-AS',
  'destination.geolocation.cc': 'NL',
  'destination.geolocation.region': 'Noord-Holland',
  'destination.geolocation.city': 'Amsterdam',
  'destination.fqdn': 'bücher.example',
  'destination.reverse_dns': 'c2.example.org',
  'destination.url': 'https://c2.example.org:8443/gate.php',
  'destination.urlpath': '/gate.php',
  'destination.local_ip': '192.168.1.1',
  'destination.local_hostname': 'c2-backend',
  'malware.name': 'emotet',
  'malware.version': '5',
  'malware.hash.md5': 'D41D8CD98F00B204E9800998ECF8427E',
  'malware.hash.sha1': 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
  'malware.hash.sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'protocol.transport': 'TCP',
  'protocol.application': 'https',
  'event_description.text': 'Sinkholed connection',
  'event_description.url': 'https://example.com/about',
  status: 'online',
  comment: 'test',
  tlp: 'TLP:AMBER+STRICT',
  raw: 'a,b,c',
  'extra.sector': 'health',
  'extra.count': 3,
};

/** Fill in fields other helpers add to the table, so the "every field" record stays complete. */
function everything(): RawFields {
  const raw: RawFields = { ...EVERYTHING };
  for (const name of FIELD_NAMES) {
    if (name in raw || name === 'extra') continue;
    const def: FieldDef = FIELDS[name];
    if (def.type === 'enum' && def.constraints?.values) raw[name] = def.constraints.values[0];
    else if (def.type === 'string' && (def.constraints?.pattern?.test('x') ?? true)) raw[name] = 'x';
  }
  return raw;
}

describe('event JSON Schema (draft 2020-12)', () => {
  it('compiles in strict mode and describes every field', () => {
    const s = eventJsonSchema() as { properties: Record<string, unknown>; $schema: string };
    expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(s.properties)).toEqual(FIELD_NAMES);
  });

  it('a harmonised event with every field validates', () => {
    const raw = everything();
    const e = harmonised(raw);
    expect(check(e)).toEqual([]);
    // the record really exercised (almost) every field
    const missing = FIELD_NAMES.filter((n) => !(n in e));
    expect(missing).toEqual([]);
  });

  it('random harmonised events validate', () => {
    const rec = fc.record(
      {
        'feed.name': fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== ''),
        'source.ip': fc.oneof(fc.ipV4(), fc.ipV6()),
        'destination.ip': fc.oneof(fc.ipV4(), fc.ipV6()),
        'source.port': fc.integer({ min: 0, max: 65535 }),
        'source.network': fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, n]) => `${a}/${n}`),
        'destination.network': fc
          .tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 }))
          .map(([a, n]) => `${a}/${n}`),
        'source.fqdn': fc.domain(),
        'source.url': fc.webUrl(),
        'time.source': fc
          .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2026, 9, 1) })
          .map((ms) => new Date(ms).toISOString()),
        'classification.type': fc.constantFrom(...RSIT_TYPES),
        'source.asn': fc.integer({ min: 1, max: 4294967295 }),
        'malware.name': fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
      },
      { requiredKeys: ['feed.name'] },
    );
    let checked = 0;
    fc.assert(
      fc.property(rec, (raw) => {
        const r = harmonise(raw, CTX);
        if (!r.ok) return; // non-public addresses and the like: not an event
        checked++;
        expect(check(r.event)).toEqual([]);
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(100);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an unknown field', { 'source.ipaddress': '192.0.2.1' }, 'must NOT have additional properties'],
    ['an uncanonical IPv6 address', { 'source.ip': '2001:0db8::1' }, '/source.ip'],
    ['an upper-case IPv6 address', { 'source.ip': '2001:DB8::1' }, '/source.ip'],
    ['a port out of range', { 'source.port': 70000 }, '/source.port'],
    ['a port as text', { 'source.port': '80' }, '/source.port'],
    ['a non-UTC timestamp', { 'time.source': '2026-10-30T12:00:00+02:00' }, '/time.source'],
    ['a TLP 1.0 label', { tlp: 'WHITE' }, '/tlp'],
    ['a mismatched classification', { 'classification.taxonomy': 'fraud' }, '/classification.type'],
    ['an upper-case malware name', { 'malware.name': 'Emotet' }, '/malware.name'],
    [
      'a network with host bits in the prefix length',
      { 'source.network': '192.0.2.0/33' },
      '/source.network',
    ],
    ['extra that is not an object', { extra: [1] }, '/extra'],
  ])('rejects %s', (_what, change, where) => {
    const e = {
      ...harmonised({ 'feed.name': 'f', 'source.ip': '192.0.2.1', 'classification.type': 'spam' }),
      ...change,
    };
    expect(check(e).join('; ')).toContain(where);
  });

  it('rejects an event with nothing to report and one without feed.name', () => {
    expect(
      check({ 'feed.name': 'f', 'classification.taxonomy': 'other', 'classification.type': 'other' }),
    ).not.toEqual([]);
    expect(
      check({ 'source.ip': '192.0.2.1', 'classification.taxonomy': 'other', 'classification.type': 'other' }),
    ).not.toEqual([]);
  });

  it('every field type has a schema that accepts what the type produces', () => {
    // For each field, normalise a sample value with the type and check it against the field's subschema.
    const event = harmonised(everything()) as Record<string, unknown>;
    for (const name of FIELD_NAMES) {
      const v = ajv.compile({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        ...fieldJsonSchema(name),
      });
      const value = event[name];
      expect(value, `no sample for ${name}`).toBeDefined();
      expect(v(value), `${name}: ${JSON.stringify(value)} ${JSON.stringify(v.errors)}`).toBe(true);
    }
  });
});
