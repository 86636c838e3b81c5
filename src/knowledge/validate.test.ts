import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHARED_DATA } from '../components/parsers/test-support/golden.js';
import { hasStixSchemas, loadStixSchemas } from './test-support/oasis-schemas.js';
import { validateObject } from './validate.js';

const ind = {
  type: 'indicator',
  spec_version: '2.1',
  id: 'indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
  created: '2026-01-01T00:00:00.000Z',
  modified: '2026-01-02T00:00:00.000Z',
  pattern: "[ipv4-addr:value = '203.0.113.5']",
  pattern_type: 'stix',
  valid_from: '2026-01-01T00:00:00Z',
};

const reasonOf = (v: unknown) => {
  const r = validateObject(v);
  return r.ok ? 'valid' : `${r.error.field ?? '-'}: ${r.error.reason}`;
};

describe('validateObject', () => {
  it('accepts valid objects of known and custom types, with extensions and unknown properties', () => {
    expect(reasonOf(ind)).toBe('valid');
    expect(
      reasonOf({
        type: 'ipv4-addr',
        id: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4',
        value: '198.51.100.3',
      }),
    ).toBe('valid');
    expect(
      reasonOf({
        type: 'x-acme-request',
        spec_version: '2.1',
        id: 'x-acme-request--3b1c1f4e-9a2d-4c3b-8e5f-6a7b8c9d0e1f',
        created: '2026-01-01T00:00:00Z',
        modified: '2026-01-01T00:00:00Z',
        whatever_we_like: { nested: [1, 2] },
        extensions: {
          'extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e': { extension_type: 'new-sdo' },
        },
      }),
    ).toBe('valid');
    expect(reasonOf({ ...ind, x_acme_score: 7, extensions: { 'x-acme-ext': { a: 1 } } })).toBe('valid');
  });

  it.each([
    ['not an object', [1, 2], /not a JSON object but an array/],
    ['no type', { id: ind.id }, /^type: type is missing/],
    ['bad type name', { ...ind, type: 'Indicator' }, /^type: .*not a STIX type name/],
    [
      'id of another type',
      { ...ind, id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' },
      /^id: .*does not start with its type/,
    ],
    ['id not a UUID', { ...ind, id: 'indicator--1234' }, /^id: .*not "type--UUID"/],
    ['STIX 2.0', { ...ind, spec_version: '2.0' }, /^spec_version: .*only STIX 2.1/],
    ['no spec_version on an SDO', { ...ind, spec_version: undefined }, /^spec_version: .*missing/],
    ['bad timestamp', { ...ind, modified: '2026-01-02 00:00:00' }, /^modified: .*not a STIX timestamp/],
    ['Feb 30', { ...ind, modified: '2026-02-30T00:00:00Z' }, /^modified: .*not a STIX timestamp/],
    [
      'modified before created',
      { ...ind, modified: '2025-12-31T00:00:00Z' },
      /^modified: .*earlier than created/,
    ],
    ['missing pattern', { ...ind, pattern: undefined }, /^pattern: .*required for indicator/],
    ['valid_until not after valid_from', { ...ind, valid_until: '2026-01-01T00:00:00Z' }, /^valid_until: /],
    ['bad ref', { ...ind, created_by_ref: 'me' }, /^created_by_ref: .*not an identifier/],
    ['created_by_ref not an identity', { ...ind, created_by_ref: ind.id }, /^created_by_ref: .*identity/],
    ['marking ref not a marking', { ...ind, object_marking_refs: [ind.id] }, /^object_marking_refs\[0\]: /],
    ['empty refs', { ...ind, object_marking_refs: [] }, /^object_marking_refs: .*non-empty/],
    [
      'granular without selectors',
      {
        ...ind,
        granular_markings: [{ marking_ref: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487' }],
      },
      /selectors/,
    ],
    ['property name with capitals', { ...ind, Name: 'x' }, /^Name: .*property name/],
    ['extensions not objects', { ...ind, extensions: { 'x-a': 1 } }, /^extensions.x-a: /],
    [
      'malware family without name',
      {
        type: 'malware',
        spec_version: '2.1',
        id: 'malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: ind.created,
        modified: ind.modified,
        is_family: true,
      },
      /^name: .*family needs a name/,
    ],
    [
      'sighting count too high',
      {
        type: 'sighting',
        spec_version: '2.1',
        id: 'sighting--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f',
        created: ind.created,
        modified: ind.modified,
        sighting_of_ref: ind.id,
        count: 1_000_000_000,
      },
      /^count: /,
    ],
    [
      'SCO without value',
      { type: 'ipv4-addr', id: 'ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4' },
      /^value: .*required/,
    ],
    [
      'bundle inside',
      { type: 'bundle', id: 'bundle--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f' },
      /bundle cannot be an object/,
    ],
  ])('refuses %s, saying what and where', (_name, obj, reason) => {
    expect(reasonOf(obj)).toMatch(reason);
  });
});

describe.skipIf(!hasStixSchemas)(
  'validateObject against the OASIS examples (../shared/data/stix/json-schemas)',
  () => {
    const files = [
      'examples/indicator-for-c2-ip-address.json',
      'examples/indicator-to-campaign-relationship.json',
      'examples/indicators-for-C2-with-COA.json',
      'examples/infrastructure.json',
      'examples/malicious-email-indicator-with-attachment.json',
      'examples/threat-reports/apt1.json',
      'examples/threat-reports/poisonivy.json',
    ];
    it('accepts every object the OASIS schemas accept in the published examples', () => {
      const schemas = loadStixSchemas();
      let checked = 0;
      for (const f of files) {
        const doc = JSON.parse(readFileSync(join(SHARED_DATA, 'stix/json-schemas', f), 'utf8')) as {
          objects: unknown[];
        };
        for (const o of doc.objects) {
          if (schemas.object(o as { type: string }).length > 0) continue; // the example itself is off-schema
          expect(reasonOf(o), `${f}: ${JSON.stringify(o).slice(0, 200)}`).toBe('valid');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(200);
    });
  },
);
