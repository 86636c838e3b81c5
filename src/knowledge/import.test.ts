import { describe, expect, it } from 'vitest';
import { MemoryKnowledgeStore } from '../storage/knowledge/memory-knowledge-store.js';
import { MemoryStore } from '../storage/memory/memory-store.js';
import { importStix, readStixDocument } from './import.js';
import { KNOWLEDGE_COLLECTION } from './knowledge-store.js';

const T = '2026-03-01T10:00:00.000Z';
const indicator = `{
      "type": "indicator", "spec_version": "2.1",
      "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
      "created": "${T}", "modified": "${T}",
      "pattern": "[ipv4-addr:value = '203.0.113.5']", "pattern_type": "stix", "valid_from": "${T}",
      "x_partner_score": 12345678901234567890,
      "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
    }`;
const custom = `{"type":"x-partner-takedown","spec_version":"2.1","id":"x-partner-takedown--3b1c1f4e-9a2d-4c3b-8e5f-6a7b8c9d0e1f","created":"${T}","modified":"${T}","status":"asked","extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"new-sdo"}}}`;
const sco =
  '{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}';
const noPattern = `{"type":"indicator","spec_version":"2.1","id":"indicator--11111111-1111-4111-8111-111111111111","created":"${T}","modified":"${T}","pattern_type":"stix","valid_from":"${T}"}`;
const stix20 = `{"type":"malware","spec_version":"2.0","id":"malware--22222222-2222-4222-8222-222222222222","created":"${T}","modified":"${T}","is_family":true,"name":"x"}`;

const bundle = (...objects: string[]) =>
  `{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [\n    ${objects.join(',\n    ')}\n]}`;

function setup() {
  const knowledge = new MemoryKnowledgeStore(() => Date.UTC(2026, 10, 1));
  const store = new MemoryStore(() => Date.UTC(2026, 10, 1));
  return { knowledge, store };
}

describe('importStix', () => {
  it('stores every valid object exactly as received and quarantines the invalid ones with where and why', async () => {
    const deps = setup();
    const text = bundle(indicator, custom, noPattern, sco, stix20);
    const s = await importStix(text, deps, { source: 'partner.json', feed: 'partner-x' });
    expect(s).toEqual({
      kind: 'bundle',
      bundleId: 'bundle--5d0092c5-5f74-4287-9642-33f4c354e56d',
      read: 5,
      added: 3,
      existing: 0,
      quarantined: 2,
    });
    expect(s.read).toBe(s.added + s.existing + s.quarantined);
    const got = await deps.knowledge.list(KNOWLEDGE_COLLECTION, {});
    if (!got.ok) throw new Error(got.error);
    expect(got.value.items.map((o) => o.json)).toEqual([indicator, custom, sco]);
    expect(got.value.items[0]?.tlp).toBe('GREEN');
    expect(deps.store.quarantine.map((q) => [q.line, q.format, q.feed, q.source, q.field, q.reason])).toEqual(
      [
        [
          3,
          'stix',
          'partner-x',
          'partner.json',
          'pattern',
          expect.stringMatching(/^object 3: .*pattern is required for indicator/),
        ],
        [
          5,
          'stix',
          'partner-x',
          'partner.json',
          'spec_version',
          expect.stringMatching(/^object 5: .*only STIX 2.1/),
        ],
      ],
    );
    expect(deps.store.quarantine[0]?.raw).toBe(noPattern);
  });

  it('is idempotent: importing the same bundle again adds nothing', async () => {
    const deps = setup();
    await importStix(bundle(indicator, sco), deps, { source: 'a.json' });
    const again = await importStix(bundle(indicator, sco), deps, { source: 'a.json' });
    expect(again).toMatchObject({ read: 2, added: 0, existing: 2, quarantined: 0 });
  });

  it('reads a TAXII envelope', async () => {
    const deps = setup();
    const s = await importStix(`{"more": false, "objects": [${sco}]}`, deps, { source: 'envelope.json' });
    expect(s).toMatchObject({ kind: 'envelope', read: 1, added: 1 });
    expect(await importStix('{"more": false}', deps, { source: 'e.json' })).toMatchObject({
      read: 0,
      added: 0,
    });
  });

  it.each([
    ['not JSON', '{"type": "bundle", ', /^not JSON: /],
    ['not an object', '[1, 2]', /not a JSON object/],
    [
      'a bundle with a bad id',
      '{"type":"bundle","id":"bundle--1","objects":[]}',
      /bundle id .* is not "bundle--UUID"/,
    ],
    ['a lone object', sco, /single "ipv4-addr" object, not a bundle/],
    [
      'objects not a list',
      '{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":{}}',
      /objects is not a list/,
    ],
  ])('quarantines %s as a whole (line 0)', async (_n, text, reason) => {
    const deps = setup();
    const s = await importStix(text, deps, { source: 'bad.json' });
    expect(s).toMatchObject({ read: 1, added: 0, quarantined: 1 });
    expect(deps.store.quarantine).toHaveLength(1);
    expect(deps.store.quarantine[0]).toMatchObject({
      line: 0,
      format: 'stix',
      source: 'bad.json',
      raw: text,
    });
    expect(deps.store.quarantine[0]?.reason).toMatch(reason);
  });

  it('reads a document without touching any store', () => {
    const d = readStixDocument(bundle(sco, noPattern));
    expect(d.items.map((i) => i.ok)).toEqual([true, false]);
  });
});
