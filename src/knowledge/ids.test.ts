import { describe, expect, it } from 'vitest';
import { canonicalJson, derivedId, scoId, uuidv5 } from './ids.js';
import { IDENTIFIER } from './stix.js';

describe('deterministic ids', () => {
  it('match the STIX 2.1 specification and common tools for cyber-observables', () => {
    // STIX 2.1 spec, 2.9 (Identifier) example; domain-name: the stix2 library's value.
    expect(scoId('ipv4-addr', { value: '198.51.100.3' })).toBe(
      'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4',
    );
    expect(scoId('domain-name', { value: 'example.com' })).toBe(
      'domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7',
    );
  });

  it("implement RFC 4122 UUIDv5 (the RFC's DNS namespace example)", () => {
    expect(uuidv5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe(
      '886313e1-3b8a-5372-9b90-0c9aee199e5d',
    );
  });

  it('canonicalise key order and nesting', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 'x'], c: true } })).toBe('{"a":{"c":true,"d":[2,"x"]},"b":1}');
    expect(scoId('file', { name: 'a', hashes: { 'SHA-256': 'ff' } })).toBe(
      scoId('file', { hashes: { 'SHA-256': 'ff' }, name: 'a' }),
    );
  });

  it('derived ids are stable, distinct per type and key, and valid identifiers', () => {
    const a = derivedId('indicator', 'c2|203.0.113.80');
    expect(a).toBe(derivedId('indicator', 'c2|203.0.113.80'));
    expect(a).not.toBe(derivedId('indicator', 'c2|203.0.113.81'));
    expect(a.replace('indicator', 'infrastructure')).not.toBe(derivedId('infrastructure', 'c2|203.0.113.80'));
    expect(IDENTIFIER.test(a)).toBe(true);
  });
});
