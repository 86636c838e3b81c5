import { describe, expect, it } from 'vitest';
import { harmonise } from './harmonise.js';
import { eventId, observationKey } from './identity.js';
import type { Event, RawFields } from './schema/event.js';
import { FIELD_NAMES, FIELDS } from './schema/fields.js';
import { defaultBounds } from './time.js';

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };

function event(raw: RawFields): Event {
  const r = harmonise(raw, CTX);
  if (!r.ok) throw new Error(r.rejection.reason);
  return r.event;
}

const BASE = event({
  'feed.name': 'sinkhole',
  'time.source': '2026-10-30T12:00:00Z',
  'time.observation': '2026-11-01T00:00:00Z',
  'classification.type': 'infected-system',
  'source.ip': '198.51.100.23',
  'source.port': 49152,
  'destination.ip': '203.0.113.80',
  'destination.port': 443,
  'malware.name': 'emotet',
  raw: 'line one',
  extra: { a: 1, b: 'x' },
});

const hex = (e: Event) => Buffer.from(eventId(e), 'latin1').toString('hex');
const key = (e: Event) => observationKey(e).key.toString('hex');

/** A valid value for each field type, different from anything in BASE. */
const OTHER_VALUE: Record<string, unknown> = {
  ip: '192.0.2.99',
  cidr: '192.0.2.0/25',
  fqdn: 'other.example',
  url: 'http://other.example/',
  asn: 64511,
  'country-code': 'NL',
  port: 8081,
  timestamp: '2026-10-29T00:00:00+00:00',
  tlp: 'RED',
  string: 'something else',
  integer: 7,
  hash: 'f'.repeat(64),
  json: { other: true },
};

describe('event identity', () => {
  it('is 8 bytes and stable', () => {
    expect(eventId(BASE)).toHaveLength(8);
    expect(Buffer.from(eventId(BASE), 'latin1')).toHaveLength(8); // one byte per character
    expect(hex(BASE)).toBe(hex({ ...BASE }));
  });

  it('does not depend on time.observation (same day) or raw', () => {
    expect(hex({ ...BASE, 'time.observation': '2026-11-02T09:00:00+00:00', raw: 'other raw text' })).toBe(
      hex(BASE),
    );
    const { raw: _r, 'time.observation': _t, ...bare } = BASE;
    expect(hex(bare)).toBe(hex(BASE));
  });

  it('changes with every other field', () => {
    const seen = new Set([hex(BASE)]);
    for (const name of FIELD_NAMES) {
      if (name === 'time.observation' || name === 'raw') continue;
      const def = FIELDS[name];
      let value: unknown = OTHER_VALUE[def.type];
      if (def.type === 'enum') {
        const values = (def.constraints as { values: readonly string[] }).values;
        value = values.find((v) => v !== (BASE as Record<string, unknown>)[name]);
      }
      if (name === 'malware.name') value = 'qakbot';
      expect(value, `no test value for ${name}`).toBeDefined();
      const changed = { ...BASE, [name]: value } as Event;
      const id = hex(changed);
      expect(seen.has(id), `${name} does not change the identity`).toBe(false);
      seen.add(id);
      // Removing the field changes it too (for the fields BASE has).
      if (name in BASE) {
        const without = { ...BASE } as Record<string, unknown>;
        delete without[name];
        expect(hex(without as Event), `removing ${name}`).not.toBe(hex(BASE));
      }
    }
  });

  it('does not depend on the order of extra keys, at any depth', () => {
    const a = { ...BASE, extra: { a: 1, b: { x: 1, y: [1, 2] } } } as Event;
    const b = { ...BASE, extra: { b: { y: [1, 2], x: 1 }, a: 1 } } as Event;
    expect(hex(a)).toBe(hex(b));
    expect(hex({ ...BASE, extra: { a: 1, b: { x: 1, y: [2, 1] } } } as Event)).not.toBe(hex(a));
  });

  it('a value containing separator characters cannot imitate another field', () => {
    const one = { ...BASE, comment: 'x' } as Event;
    delete (one as Record<string, unknown>).tlp;
    const forged = { ...BASE, comment: `x\u001etlp\u001fRED` } as Event;
    const real = { ...BASE, comment: 'x', tlp: 'RED' } as Event;
    expect(hex(forged)).not.toBe(hex(real));
  });

  it('without time.source, the observation day is part of the identity', () => {
    const { 'time.source': _s, ...listed } = BASE;
    const sameDay = { ...listed, 'time.observation': '2026-11-01T23:59:59+00:00' };
    const nextDay = { ...listed, 'time.observation': '2026-11-02T00:00:00+00:00' };
    expect(hex(sameDay)).toBe(hex(listed));
    expect(hex(nextDay)).not.toBe(hex(listed));
  });
});

describe('observation key', () => {
  it('folds by type, source, destination ip:port, malware and UTC day', () => {
    const o = observationKey(BASE);
    expect(o).toMatchObject({
      type: 'infected-system',
      source: '198.51.100.23',
      destinationIp: '203.0.113.80',
      destinationPort: 443,
      malware: 'emotet',
      day: '2026-10-30',
    });
    expect(o.key).toHaveLength(16);
  });

  it('two events of the same day fold together; the next day does not', () => {
    const later = { ...BASE, 'time.source': '2026-10-30T23:59:59+00:00', 'source.port': 50000 } as Event;
    expect(hex(later)).not.toBe(hex(BASE)); // different events ...
    expect(key(later)).toBe(key(BASE)); // ... one observation
    expect(key({ ...BASE, 'time.source': '2026-10-31T00:00:00+00:00' } as Event)).not.toBe(key(BASE));
  });

  it('ignores fields outside the key', () => {
    expect(key({ ...BASE, 'feed.name': 'other', 'source.asn': 64496, extra: {} } as Event)).toBe(key(BASE));
  });

  it.each([
    ['classification.type', 'c2-server'],
    ['source.ip', '198.51.100.24'],
    ['destination.ip', '203.0.113.81'],
    ['destination.port', 80],
    ['malware.name', 'qakbot'],
  ])('changes with %s', (field, value) => {
    expect(key({ ...BASE, [field]: value } as Event)).not.toBe(key(BASE));
  });

  it('uses the observation day when there is no source time', () => {
    const { 'time.source': _s, ...listed } = BASE;
    expect(observationKey(listed).day).toBe('2026-11-01');
  });

  it('falls back from source.ip to the next thing the event reports', () => {
    expect(observationKey(event({ 'feed.name': 'f', 'source.fqdn': 'c2.example.com' })).source).toBe(
      'c2.example.com',
    );
    expect(observationKey(event({ 'feed.name': 'f', 'destination.ip': '203.0.113.5' })).source).toBe(
      '203.0.113.5',
    );
  });

  it('a "|" inside a part cannot shift the parts', () => {
    const a = event({ 'feed.name': 'f', 'source.url': 'http://example.com/a|', 'malware.name': 'x' });
    const b = event({ 'feed.name': 'f', 'source.url': 'http://example.com/a', 'malware.name': '|x' });
    expect(key(a)).not.toBe(key(b));
  });
});

describe('identity hash', () => {
  it('spreads: 200,000 events differing in one or two fields give 200,000 distinct identities', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++)
      seen.add(
        eventId({
          ...BASE,
          'time.source': `2026-10-01T${String(Math.floor(i / 3600) % 24).padStart(2, '0')}:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}+00:00`,
          'source.port': i % 65536,
          'destination.port': Math.floor(i / 86400),
        } as Event),
      );
    expect(seen.size).toBe(200_000);
  });

  it('a value moved to another field, or swapped between two fields, is another identity', () => {
    const a = { ...BASE, 'source.port': 80, 'destination.port': 443 } as Event;
    const b = { ...BASE, 'source.port': 443, 'destination.port': 80 } as Event;
    expect(hex(a)).not.toBe(hex(b));
    const c = { ...BASE, comment: 'emotet' } as Event;
    delete (c as Record<string, unknown>)['malware.name'];
    const d = { ...BASE, comment: 'emotet' } as Event;
    expect(hex(c)).not.toBe(hex(d));
  });

  it('does not depend on the order the fields were set in', () => {
    const reversed = Object.fromEntries(Object.entries(BASE).reverse()) as Event;
    expect(hex(reversed)).toBe(hex(BASE));
  });

  it('changes with any one character of a value, and with its length', () => {
    const base = hex({ ...BASE, comment: 'abcdefgh' } as Event);
    for (const t of ['abcdefgi', 'bbcdefgh', 'abcdefg', 'abcdefgh\u0000', 'ABCDEFGH'])
      expect(hex({ ...BASE, comment: t } as Event)).not.toBe(base);
  });
});
