import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasSharedData, SHARED_DATA } from '../components/parsers/test-support/golden.js';
import { RSIT, RSIT_TAXONOMIES, RSIT_TYPES, taxonomyOf } from './taxonomy.js';

const MACHINETAG = join(SHARED_DATA, 'misp/taxonomies/rsit/machinetag.json');

interface MachineTag {
  readonly namespace: string;
  readonly version: number;
  readonly predicates: ReadonlyArray<{ readonly value: string }>;
  readonly values: ReadonlyArray<{
    readonly predicate: string;
    readonly entry: ReadonlyArray<{ readonly value: string }>;
  }>;
}

describe('RSIT taxonomy', () => {
  it('each type sits under exactly one taxonomy', () => {
    expect(new Set(RSIT_TYPES).size).toBe(RSIT_TYPES.length);
    for (const t of RSIT_TAXONOMIES) for (const v of RSIT[t]) expect(taxonomyOf(v)).toBe(t);
    expect(taxonomyOf('botnet')).toBeUndefined();
  });

  it.skipIf(!hasSharedData || !existsSync(MACHINETAG))(
    'equals the MISP rsit machinetag (../shared/data/misp/taxonomies/rsit; skipped when absent)',
    () => {
      const tag = JSON.parse(readFileSync(MACHINETAG, 'utf8')) as MachineTag;
      expect(tag.namespace).toBe('rsit');
      expect(tag.version).toBe(1003); // the version taxonomy.ts says it follows
      const published: Record<string, string[]> = {};
      for (const p of tag.predicates) published[p.value] = [];
      for (const v of tag.values) published[v.predicate] = v.entry.map((e) => e.value);
      const ours = Object.fromEntries(RSIT_TAXONOMIES.map((t) => [t, [...RSIT[t]]]));
      expect(ours).toEqual(published);
      // Same order too, so docs/fields.md lists them as the taxonomy does.
      expect(RSIT_TAXONOMIES).toEqual(tag.predicates.map((p) => p.value));
    },
  );
});
