/**
 * The KnowledgeStore contract: TAXII 2.1 semantics (versions, date_added, filters, pagination),
 * run over every adapter. `open(now)` returns a new, empty store whose clock is `now`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { releasableLevels, TLP2_MARKING_IDS, type TlpLevel } from '../../domain/tlp.js';
import { scoId } from '../../knowledge/ids.js';
import {
  type KnowledgeStore,
  type Page,
  prepareObject,
  type StoredObject,
} from '../../knowledge/knowledge-store.js';
import type { StixObject } from '../../knowledge/stix.js';

export interface KnowledgeContractOptions {
  /** Open the storage `closed` used again, with the clock standing at KNOWLEDGE_T0. */
  readonly reopen?: (closed: KnowledgeStore) => Promise<KnowledgeStore>;
}

const C = 'collection-a';
/** The clock a store opened by the suite starts at (reopen with `() => KNOWLEDGE_T0`). */
export const KNOWLEDGE_T0 = Date.UTC(2026, 10, 1, 12);
const T0 = KNOWLEDGE_T0;

const id = (n: number, type = 'indicator') =>
  `${type}--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function sdo(
  n: number,
  modified: string,
  extra: Record<string, unknown> = {},
  type = 'indicator',
): StixObject {
  return {
    type,
    spec_version: '2.1',
    id: id(n, type),
    created: '2026-01-01T00:00:00.000Z',
    modified,
    ...(type === 'indicator'
      ? {
          pattern: `[ipv4-addr:value = '203.0.113.${n % 250}']`,
          pattern_type: 'stix',
          valid_from: '2026-01-01T00:00:00Z',
        }
      : {}),
    ...extra,
  };
}
const marked = (o: StixObject, l: TlpLevel): StixObject => ({
  ...o,
  object_marking_refs: [TLP2_MARKING_IDS[l]],
});
const p = (o: StixObject) => prepareObject(o);

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: string }): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
const ids = (page: Page<StoredObject>) => page.items.map((o) => o.id);

export function knowledgeStoreContract(
  name: string,
  open: (now: () => number) => Promise<KnowledgeStore>,
  options: KnowledgeContractOptions = {},
): void {
  describe(`KnowledgeStore contract: ${name}`, () => {
    const opened: KnowledgeStore[] = [];
    let clock = T0;
    const fresh = async (frozen = false) => {
      clock = T0;
      const s = await open(frozen ? () => T0 : () => clock);
      opened.push(s);
      return s;
    };
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    it('assigns strictly increasing date_added even when the clock stands still', async () => {
      const s = await fresh(true);
      const r = await s.put(
        C,
        [1, 2, 3].map((n) => p(sdo(n, '2026-02-01T00:00:00.000Z'))),
      );
      expect(r).toMatchObject({ added: 3, existing: 0, outcomes: ['added', 'added', 'added'] });
      const page = unwrap(await s.list(C, {}));
      expect(ids(page)).toEqual([id(1), id(2), id(3)]);
      expect(page.items.map((o) => o.dateAdded)).toEqual([T0, T0 + 1, T0 + 2]);
      expect(page).toMatchObject({ more: false, dateAddedFirst: T0, dateAddedLast: T0 + 2 });
      expect(page.next).toBeUndefined();
    });

    it('stores a version once: posting it again is not an error and adds nothing', async () => {
      const s = await fresh();
      const o = sdo(1, '2026-02-01T00:00:00.000Z');
      await s.put(C, [p(o)]);
      const again = await s.put(C, [p(o), p({ ...o, name: 'same version, other content' })]);
      expect(again).toMatchObject({ added: 0, existing: 2, outcomes: ['exists', 'exists'] });
      const all = unwrap(await s.list(C, { versions: ['all'] }));
      expect(all.items).toHaveLength(1);
      expect(JSON.parse(all.items[0]?.json ?? '{}')).toEqual(o);
    });

    it('keeps every version; first and last by version, whatever order they arrive in', async () => {
      const s = await fresh();
      const v1 = '2026-02-01T00:00:00.000Z';
      const v2 = '2026-02-02T00:00:00.000Z';
      const v3 = '2026-02-03T00:00:00.123456Z';
      await s.put(C, [p(sdo(1, v1)), p(sdo(1, v3)), p(sdo(1, v2)), p(sdo(2, v1))]);
      const versionsOf = async (vs: string[]) =>
        unwrap(await s.list(C, { ids: [id(1)], versions: vs })).items.map((o) => o.version);
      expect(await versionsOf([])).toEqual([v3]);
      expect(await versionsOf(['last'])).toEqual([v3]);
      expect(await versionsOf(['first'])).toEqual([v1]);
      expect(await versionsOf(['first', 'last'])).toEqual([v1, v3]);
      expect(await versionsOf(['all'])).toEqual([v1, v3, v2]); // date_added order
      // a timestamp matches the version it names, at whatever precision it is written
      expect(await versionsOf(['2026-02-02T00:00:00Z'])).toEqual([v2]);
      expect(await versionsOf(['2026-02-03T00:00:00.123456Z', 'first'])).toEqual([v1, v3]);
      const vs = unwrap(await s.versions(C, id(1)));
      expect(vs.items.map((v) => v.version)).toEqual([v1, v3, v2]);
      expect(vs.more).toBe(false);
      expect((await s.latest(C, id(1)))?.version).toBe(v3);
      expect(await s.latest(C, id(9))).toBeUndefined();
    });

    it('filters by added_after, id, type and spec_version', async () => {
      const s = await fresh();
      await s.put(C, [p(sdo(1, '2026-02-01T00:00:00.000Z'))]);
      clock += 1000;
      await s.put(C, [
        p(sdo(2, '2026-02-01T00:00:00.000Z', {}, 'malware')),
        p({ type: 'ipv4-addr', id: scoId('ipv4-addr', { value: '203.0.113.9' }), value: '203.0.113.9' }),
      ]);
      expect(ids(unwrap(await s.list(C, { addedAfter: T0 })))).toEqual([
        id(2, 'malware'),
        scoId('ipv4-addr', { value: '203.0.113.9' }),
      ]);
      expect(ids(unwrap(await s.list(C, { types: ['malware', 'indicator'] })))).toEqual([
        id(1),
        id(2, 'malware'),
      ]);
      expect(ids(unwrap(await s.list(C, { ids: [id(1), id(7)] })))).toEqual([id(1)]);
      expect(unwrap(await s.list(C, { specVersions: ['2.0'] })).items).toEqual([]);
      expect(unwrap(await s.list(C, { specVersions: ['2.1'] })).items).toHaveLength(3);
      expect(unwrap(await s.list(C, { types: [] })).items).toEqual([]);
      expect(unwrap(await s.list('another-collection', {})).items).toEqual([]);
    });

    it('pages with limit and next: no object skipped or repeated, even when objects arrive between pages', async () => {
      const s = await fresh(true);
      await s.put(
        C,
        Array.from({ length: 25 }, (_, i) => p(sdo(i + 1, '2026-02-01T00:00:00.000Z'))),
      );
      const seen: string[] = [];
      let next: string | undefined;
      let pages = 0;
      for (let guard = 0; guard < 20; guard++) {
        const page = unwrap(await s.list(C, {}, { limit: 10, ...(next ? { next } : {}) }));
        pages++;
        seen.push(...ids(page));
        expect(page.dateAddedFirst).toBe(page.items[0]?.dateAdded);
        expect(page.dateAddedLast).toBe(page.items[page.items.length - 1]?.dateAdded);
        if (pages === 1) await s.put(C, [p(sdo(26, '2026-02-01T00:00:00.000Z'))]);
        if (!page.more) break;
        expect(page.next).toBeDefined();
        next = page.next;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 26 }, (_, i) => id(i + 1)));
    });

    it('a new version moves an object to the end of the default listing', async () => {
      const s = await fresh();
      await s.put(C, [p(sdo(1, '2026-02-01T00:00:00.000Z')), p(sdo(2, '2026-02-01T00:00:00.000Z'))]);
      const before = unwrap(await s.list(C, {}));
      clock += 10;
      await s.put(C, [p(sdo(1, '2026-02-05T00:00:00.000Z'))]);
      const after = unwrap(await s.list(C, { addedAfter: before.dateAddedLast }));
      expect(after.items.map((o) => [o.id, o.version])).toEqual([[id(1), '2026-02-05T00:00:00.000Z']]);
      expect(ids(unwrap(await s.list(C, {})))).toEqual([id(2), id(1)]);
    });

    it('rejects a cursor it did not issue and an unreadable match[version], as values', async () => {
      const s = await fresh();
      expect((await s.list(C, {}, { next: 'garbage' })).ok).toBe(false);
      const bad = await s.list(C, { versions: ['yesterday'] });
      expect(bad.ok).toBe(false);
      if (!bad.ok) expect(bad.error).toMatch(/match\[version\].*yesterday/);
    });

    it('applies visibility (TLP and excluded types) before paging', async () => {
      const s = await fresh();
      const objs = [
        marked(sdo(1, '2026-02-01T00:00:00.000Z'), 'RED'),
        marked(sdo(2, '2026-02-01T00:00:00.000Z'), 'AMBER'),
        marked(sdo(3, '2026-02-01T00:00:00.000Z'), 'AMBER+STRICT'),
        sdo(4, '2026-02-01T00:00:00.000Z'), // unmarked
        marked(sdo(5, '2026-02-01T00:00:00.000Z'), 'GREEN'),
        marked(sdo(6, '2026-02-01T00:00:00.000Z', {}, 'malware'), 'CLEAR'),
        marked(sdo(7, '2026-02-01T00:00:00.000Z'), 'CLEAR'),
      ];
      await s.put(C, objs.map(p));
      const redistributor = releasableLevels(
        { kind: 'partner', maxTlp: 'AMBER+STRICT', mayShareOnward: true },
        'taxii',
      );
      const first = unwrap(await s.list(C, { tlp: redistributor, excludeTypes: ['malware'] }, { limit: 2 }));
      expect(ids(first)).toEqual([id(2), id(4)]);
      expect(first.more).toBe(true);
      const second = unwrap(
        await s.list(
          C,
          { tlp: redistributor, excludeTypes: ['malware'] },
          { limit: 2, next: first.next as string },
        ),
      );
      expect(ids(second)).toEqual([id(5), id(7)]);
      expect(second.more).toBe(false);
      const greenOnly = unwrap(
        await s.manifest(C, {
          tlp: releasableLevels({ kind: 'partner', maxTlp: 'GREEN', mayShareOnward: false }, 'taxii'),
        }),
      );
      expect(greenOnly.items.map((m) => m.id)).toEqual([id(5), id(6, 'malware'), id(7)]);
      expect(greenOnly.items[0]).toMatchObject({
        mediaType: 'application/stix+json;version=2.1',
        version: '2026-02-01T00:00:00.000Z',
      });
      expect(unwrap(await s.list(C, { tlp: { levels: [], unmarked: false } })).items).toEqual([]);
    });

    it('versions cyber-observables by content and reports their date_added as the version', async () => {
      const s = await fresh();
      const value = '198.51.100.7';
      const sco = { type: 'ipv4-addr', spec_version: '2.1', id: scoId('ipv4-addr', { value }), value };
      await s.put(C, [p(marked(sco, 'AMBER'))]);
      clock += 5;
      const same = await s.put(C, [p(marked(sco, 'AMBER'))]);
      expect(same.existing).toBe(1);
      const raised = await s.put(C, [p(marked(sco, 'RED'))]);
      expect(raised.added).toBe(1);
      const vs = unwrap(await s.versions(C, sco.id)).items;
      expect(vs.map((v) => v.version)).toEqual([new Date(T0).toISOString(), new Date(T0 + 5).toISOString()]);
      expect((await s.latest(C, sco.id))?.tlp).toBe('RED');
    });

    it('keeps the exact JSON text it was given', async () => {
      const s = await fresh();
      const o = sdo(1, '2026-02-01T00:00:00.000Z', { x_custom: { big: 1 } });
      const text = `{ "type": "indicator",\n  "x_custom": {"big": 12345678901234567890}, ${JSON.stringify(o).slice(1)}`;
      await s.put(C, [prepareObject(o, text)]);
      expect((await s.latest(C, o.id))?.json).toBe(text);
    });

    it('deletes versions; the remaining ones become first/last; date_added never goes back', async () => {
      const s = await fresh(true);
      await s.put(C, [
        p(sdo(1, '2026-02-01T00:00:00.000Z')),
        p(sdo(1, '2026-02-02T00:00:00.000Z')),
        p(sdo(1, '2026-02-03T00:00:00.000Z')),
      ]);
      expect(await s.delete(C, id(1), { versions: ['last'] })).toBe(1);
      expect((await s.latest(C, id(1)))?.version).toBe('2026-02-02T00:00:00.000Z');
      expect(await s.delete(C, id(1), { versions: ['first'] })).toBe(1);
      expect(unwrap(await s.list(C, { ids: [id(1)], versions: ['first'] })).items[0]?.version).toBe(
        '2026-02-02T00:00:00.000Z',
      );
      expect(await s.delete(C, id(1))).toBe(1);
      expect(await s.delete(C, id(1))).toBe(0);
      expect(unwrap(await s.list(C, { versions: ['all'] })).items).toEqual([]);
      await s.put(C, [p(sdo(2, '2026-02-01T00:00:00.000Z'))]);
      expect(unwrap(await s.list(C, {})).items[0]?.dateAdded).toBe(T0 + 3);
    });

    it('counts objects and versions per collection', async () => {
      const s = await fresh();
      await s.put(C, [p(sdo(1, '2026-02-01T00:00:00.000Z')), p(sdo(1, '2026-02-02T00:00:00.000Z'))]);
      await s.put('b', [p(sdo(1, '2026-02-01T00:00:00.000Z'))]);
      expect(await s.stats()).toEqual({
        collections: [
          { collection: 'b', objects: 1, versions: 1 },
          { collection: C, objects: 1, versions: 2 },
        ],
      });
    });

    if (options.reopen) {
      const reopen = options.reopen;
      it('keeps everything, and its clock, across close and reopen', async () => {
        const s = await fresh(true);
        await s.put(C, [p(sdo(1, '2026-02-01T00:00:00.000Z')), p(sdo(2, '2026-02-01T00:00:00.000Z'))]);
        await s.delete(C, id(2));
        await s.close();
        const again = await reopen(s);
        opened.push(again);
        expect(ids(unwrap(await again.list(C, {})))).toEqual([id(1)]);
        await again.put(C, [p(sdo(3, '2026-02-01T00:00:00.000Z'))]);
        // the clock went on from T0 + 1 (the deleted newest), although the wall clock still says T0
        expect(unwrap(await again.list(C, { ids: [id(3)] })).items[0]?.dateAdded).toBe(T0 + 2);
      });
    }
  });
}
