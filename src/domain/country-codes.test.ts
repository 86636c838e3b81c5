import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { alpha2OfFeature, countryName, NUMERIC_TO_ALPHA2 } from './country-codes.js';

const require = createRequire(import.meta.url);

interface Topo {
  objects: { countries: { geometries: Array<{ id?: string; properties: { name: string } }> } };
}

describe('country codes', () => {
  it('holds the 249 ISO 3166-1 codes, each alpha-2 once, each a region the runtime knows', () => {
    const entries = Object.entries(NUMERIC_TO_ALPHA2);
    expect(entries).toHaveLength(249);
    expect(new Set(entries.map(([, a]) => a)).size).toBe(249);
    for (const [n, a] of entries) {
      expect(n).toMatch(/^\d{3}$/);
      expect(countryName(a), a).not.toBe(a);
    }
  });

  it('maps every world-atlas country with an id to the code of the same country (names checked)', () => {
    const topo = JSON.parse(readFileSync(require.resolve('world-atlas/countries-110m.json'), 'utf8')) as Topo;
    // world-atlas abbreviates names; the runtime's English names differ only in these.
    const same = (a: string, b: string) =>
      a.replace(/\W/g, '').toLowerCase() === b.replace(/\W/g, '').toLowerCase();
    const variants: Record<string, string> = {
      'W. Sahara': 'EH',
      'United States of America': 'US',
      'Dem. Rep. Congo': 'CD',
      'Dominican Rep.': 'DO',
      'Falkland Is.': 'FK',
      'Fr. S. Antarctic Lands': 'TF',
      "Côte d'Ivoire": 'CI',
      'Central African Rep.': 'CF',
      Congo: 'CG',
      'Eq. Guinea': 'GQ',
      eSwatini: 'SZ',
      Palestine: 'PS',
      Myanmar: 'MM',
      Turkey: 'TR',
      'Solomon Is.': 'SB',
      'Bosnia and Herz.': 'BA',
      Macedonia: 'MK',
      'Trinidad and Tobago': 'TT',
      'S. Sudan': 'SS',
    };
    let mapped = 0;
    for (const g of topo.objects.countries.geometries) {
      const a = alpha2OfFeature(g.id, g.properties.name);
      if (a === undefined) {
        expect(['N. Cyprus', 'Somaliland']).toContain(g.properties.name);
        continue;
      }
      mapped++;
      const name = g.properties.name;
      if (!same(countryName(a), name)) expect(variants[name], `${g.id} ${name} -> ${a}`).toBe(a);
    }
    expect(mapped).toBe(topo.objects.countries.geometries.length - 2);
    expect(alpha2OfFeature(undefined, 'Kosovo')).toBe('XK');
    expect(alpha2OfFeature(276)).toBe('DE');
    expect(alpha2OfFeature('36')).toBe('AU');
    expect(alpha2OfFeature('999')).toBeUndefined();
  });

  it('names a code in English and leaves unknown text alone', () => {
    expect(countryName('de')).toBe('Germany');
    expect(countryName('??')).toBe('??');
  });
});
