import { describe, expect, it } from 'vitest';
import { harmonise } from './harmonise.js';
import type { RawFields } from './schema/event.js';
import { defaultBounds } from './time.js';

const CTX = { time: defaultBounds(Date.UTC(2026, 10, 1)) };
const BASE: RawFields = { 'feed.name': 'test-feed', 'source.ip': '192.0.2.10' };

function ok(raw: RawFields, defaults?: RawFields, overrides?: RawFields) {
  const r = harmonise(raw, CTX, defaults, overrides);
  if (!r.ok) throw new Error(`expected an event, got: ${r.rejection.reason}`);
  return r.event;
}

function rejected(raw: RawFields, defaults?: RawFields, overrides?: RawFields) {
  const r = harmonise(raw, CTX, defaults, overrides);
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.event)}`);
  return r.rejection;
}

describe('harmonise', () => {
  it('normalises every value by its field type', () => {
    const e = ok({
      'feed.name': ' Example Feed ',
      'time.source': '2026-10-30 12:00:00',
      'source.ip': '2001:DB8:0:0::7',
      'source.port': '443',
      'source.asn': 'AS64496',
      'source.geolocation.cc': 'de',
      'destination.fqdn': 'C2.Example.COM.',
      'classification.type': 'infected-system',
      tlp: 'white',
    });
    expect(e).toEqual({
      'feed.name': 'Example Feed',
      'time.source': '2026-10-30T12:00:00+00:00',
      'source.ip': '2001:db8::7',
      'source.port': 443,
      'source.asn': 64496,
      'source.geolocation.cc': 'DE',
      'destination.fqdn': 'c2.example.com',
      'classification.type': 'infected-system',
      'classification.taxonomy': 'malicious-code',
      tlp: 'CLEAR',
    });
  });

  it('drops empty values (validate_to_none)', () => {
    const e = ok({ ...BASE, 'source.port': '', 'malware.name': '   ', comment: null, 'extra.x': '' });
    expect(e).not.toHaveProperty('source.port');
    expect(e).not.toHaveProperty('malware.name');
    expect(e).not.toHaveProperty('comment');
    expect(e).not.toHaveProperty('extra');
  });

  describe('defaults and overrides', () => {
    it('a default fills only what the record lacks, an empty value counting as lacking', () => {
      const e = ok(
        { ...BASE, 'malware.name': 'emotet', 'source.port': '' },
        { 'malware.name': 'qakbot', 'source.port': 80, tlp: 'AMBER' },
      );
      expect(e['malware.name']).toBe('emotet');
      expect(e['source.port']).toBe(80);
      expect(e.tlp).toBe('AMBER');
    });

    it('an override replaces what the record says, even a value that would be invalid', () => {
      const e = ok(
        { ...BASE, 'feed.name': 'from-record', 'time.observation': 'garbage' },
        { 'feed.name': 'from-default' },
        { 'feed.name': 'from-override', 'time.observation': '2026-11-01T00:00:00Z' },
      );
      expect(e['feed.name']).toBe('from-override');
      expect(e['time.observation']).toBe('2026-11-01T00:00:00+00:00');
    });

    it('names a bad default or setting as such', () => {
      expect(rejected(BASE, { 'source.port': 'http' }).reason).toMatch(/^feed default source\.port: /);
      expect(rejected(BASE, undefined, { tlp: 'purple' }).reason).toMatch(/^feed setting tlp: /);
    });
  });

  describe('extra.*', () => {
    it('collects flat extra.<name> keys into one object, trimming text', () => {
      const e = ok({ ...BASE, 'extra.sector': ' health ', 'extra.count': 3, 'extra.tags': ['a', 'b'] });
      expect(e.extra).toEqual({ sector: 'health', count: 3, tags: ['a', 'b'] });
    });

    it('merges an extra object with flat keys', () => {
      const e = ok({ ...BASE, extra: { a: 1 }, 'extra.b': 'x' });
      expect(e.extra).toEqual({ a: 1, b: 'x' });
    });

    it('a default extra fills missing keys and never replaces the record`s', () => {
      const e = ok({ ...BASE, 'extra.a': 'record' }, { 'extra.a': 'default', 'extra.b': 'default' });
      expect(e.extra).toEqual({ a: 'record', b: 'default' });
      const f = ok({ ...BASE, 'extra.a': 'record' }, { extra: { a: 'default', c: 'default' } });
      expect(f.extra).toEqual({ a: 'record', c: 'default' });
    });

    it('an override extra key wins', () => {
      const e = ok({ ...BASE, extra: { a: 'record' } }, undefined, { 'extra.a': 'override' });
      expect(e.extra).toEqual({ a: 'override' });
    });

    it('keeps "extra.__proto__" as data', () => {
      const e = ok({ ...BASE, 'extra.__proto__': 'x' });
      expect(Object.getPrototypeOf(e.extra)).toBe(Object.prototype);
      expect(JSON.stringify(e.extra)).toBe('{"__proto__":"x"}');
    });

    it('rejects an empty extra name and a non-object extra', () => {
      expect(rejected({ ...BASE, 'extra.': 'x' })).toEqual({
        field: 'extra.',
        reason: 'empty extra field name',
      });
      expect(rejected({ ...BASE, extra: 'x' }).field).toBe('extra');
    });
  });

  describe('classification', () => {
    it('derives the taxonomy from the type', () => {
      const e = ok({ ...BASE, 'classification.type': 'C2-Server' });
      expect(e['classification.type']).toBe('c2-server');
      expect(e['classification.taxonomy']).toBe('malicious-code');
    });

    it('accepts a matching taxonomy', () => {
      const e = ok({
        ...BASE,
        'classification.type': 'scanner',
        'classification.taxonomy': 'information-gathering',
      });
      expect(e['classification.taxonomy']).toBe('information-gathering');
    });

    it('rejects a taxonomy that does not match the type, saying where RSIT puts the type', () => {
      const r = rejected({
        ...BASE,
        'classification.type': 'phishing',
        'classification.taxonomy': 'vulnerable',
      });
      expect(r.field).toBe('classification.taxonomy');
      expect(r.reason).toContain('RSIT puts it under "fraud"');
    });

    it('a record with no classification is other / undetermined', () => {
      const e = ok(BASE);
      expect(e['classification.type']).toBe('undetermined');
      expect(e['classification.taxonomy']).toBe('other');
    });

    it('a taxonomy without a type is rejected (it cannot be stored as a consistent RSIT pair)', () => {
      const r = rejected({ ...BASE, 'classification.taxonomy': 'malicious-code' });
      expect(r.field).toBe('classification.type');
      expect(r.reason).toContain('infected-system');
      expect(ok({ ...BASE, 'classification.taxonomy': 'other' })['classification.type']).toBe('undetermined');
    });

    it('rejects a type that is not in RSIT', () => {
      expect(rejected({ ...BASE, 'classification.type': 'botnet drone' }).field).toBe('classification.type');
    });
  });

  describe('rejections', () => {
    it('a record without an address, network, domain, URL or hash', () => {
      const r = rejected({ 'feed.name': 'f', 'source.port': 80, 'malware.name': 'emotet' });
      expect(r.reason).toContain('no IP address, network, domain, URL or hash');
    });

    it.each([
      ['source.network', '192.0.2.0/24'],
      ['source.fqdn', 'example.com'],
      ['source.url', 'http://example.com/x'],
      ['destination.ip', '203.0.113.1'],
      ['malware.hash.sha256', 'a'.repeat(64)],
    ])('%s alone is enough to report', (field, value) => {
      expect(ok({ 'feed.name': 'f', [field]: value })).toHaveProperty([field]);
    });

    it('a record without feed.name', () => {
      expect(rejected({ 'source.ip': '192.0.2.1' })).toEqual({
        field: 'feed.name',
        reason: 'feed.name is missing',
      });
    });

    it('an unknown field', () => {
      expect(rejected({ ...BASE, 'source.ipaddress': '192.0.2.1' })).toEqual({
        field: 'source.ipaddress',
        reason: 'unknown field "source.ipaddress"',
      });
    });

    it('one bad value rejects the record, naming the field and the value', () => {
      const r = rejected({ ...BASE, 'destination.ip': '10.1.2.3' });
      expect(r.field).toBe('destination.ip');
      expect(r.reason).toBe('destination.ip: 10.1.2.3 is not a public address: private (10.0.0.0/8)');
    });

    it('a private address is fine where the schema allows it', () => {
      expect(ok({ ...BASE, 'source.local_ip': '10.1.2.3' })['source.local_ip']).toBe('10.1.2.3');
    });
  });
});
