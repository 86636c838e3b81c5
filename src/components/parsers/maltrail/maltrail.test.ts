import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goldenSuite, hasSharedData, runBytes, SHARED_DATA } from '../test-support/golden.js';
import { maltrail } from './index.js';
import { aliasesOf, familyFromFileName, referenceOf } from './trail-header.js';

goldenSuite(maltrail, join(import.meta.dirname, 'fixtures'));

describe('maltrail file header', () => {
  it('takes the family from the file name', () => {
    expect(familyFromFileName('/x/trails/static/malware/emotet.txt')).toEqual({
      name: 'emotet',
      stem: 'emotet',
    });
    expect(familyFromFileName('maltrail_elf_mirai.txt')).toEqual({
      name: 'mirai',
      platform: 'elf',
      stem: 'elf_mirai',
    });
    expect(familyFromFileName('https://raw.example.com/malware/android_hydra.txt?x=1')).toMatchObject({
      name: 'hydra',
      platform: 'android',
    });
    expect(familyFromFileName('-')).toBeUndefined();
  });

  it('reads aliases and references, typos included', () => {
    expect(aliasesOf('Aliases: Emotet, Heodo,  Geodo,')).toEqual(['emotet', 'heodo', 'geodo']);
    expect(aliasesOf('Reference: x')).toBeUndefined();
    expect(referenceOf('Reference: https://a.example/x y')).toBe('https://a.example/x');
    expect(referenceOf('Referecne: https://a.example/x')).toBe('https://a.example/x');
    expect(referenceOf('ReferenceL https://a.example/x')).toBe('https://a.example/x');
    expect(referenceOf('Reference: see below')).toBeUndefined();
    expect(referenceOf('Note: https://a.example/x')).toBeUndefined();
  });

  it('sniffs Maltrail headers at 0.85', () => {
    expect(maltrail.sniff({ lines: ['# Aliases: x', '', '198.51.100.1:80'] })).toBe(0.85);
    expect(maltrail.sniff({ lines: ['# Reference: https://x.example/', '198.51.100.1:80'] })).toBe(0.85);
    expect(maltrail.sniff({ lines: ['198.51.100.1', '198.51.100.2'] })).toBe(0);
  });

  it('checks its options', () => {
    expect(maltrail.parseOptions({ path_trails: 'drop' })).toMatchObject({
      ok: false,
      error: /^path_trails/,
    });
    expect(maltrail.parseOptions({ max_references: -1 })).toMatchObject({
      ok: false,
      error: /^max_references/,
    });
    expect(maltrail.parseOptions({})).toEqual({
      ok: true,
      value: { pathTrails: 'keep', maxReferences: 5 },
    });
  });

  it('a file read from stdin has no family unless configured', async () => {
    const { result } = await runBytes('198.51.100.5:443\n', '-', 'maltrail');
    expect(result.events[0]).not.toHaveProperty('malware.name');
    expect(result.events[0]).toMatchObject({ 'classification.type': 'c2-server', 'source.port': 443 });
  });
});

describe.skipIf(!hasSharedData)('maltrail over ../shared/data/blocklists', () => {
  const dir = join(SHARED_DATA, 'blocklists');
  const files = hasSharedData ? readdirSync(dir).filter((f) => /^maltrail_.*\.txt$/.test(f)) : [];
  it('has the sample trail files', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const f of files) {
    it(`${f}: every trail line is accounted for`, async () => {
      const input = readFileSync(join(dir, f));
      const text = input.toString('utf8');
      const trails = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#'));
      const paths = trails.filter((l) => l.trim().startsWith('/')).length;
      const { result } = await runBytes(input, f, 'maltrail');
      const s = result.summary;
      console.info(
        `${f}: ${trails.length} trails -> ${s.new} new, ${s.folded} folded, ${s.quarantined} quarantined (${paths} path-only)`,
      );
      expect(s.read).toBe(trails.length);
      expect(s.read).toBe(s.new + s.folded + s.quarantined);
      // Path-only trails are kept (source.urlpath); quarantine is rare in a curated file.
      expect(s.quarantined).toBeLessThan(trails.length * 0.01);
      const kept = result.events.filter(
        (e) => (e as Record<string, unknown>)['source.urlpath'] !== undefined,
      );
      expect(kept.length).toBeGreaterThan(paths * 0.9);
      const family = f.replace(/^maltrail_(elf_)?/, '').replace(/\.txt$/, '');
      expect(result.events.every((e) => (e as Record<string, unknown>)['malware.name'] === family)).toBe(
        true,
      );
      expect(maltrail.sniff({ lines: text.split('\n').slice(0, 200) })).toBe(0.85);
    });
  }
});
