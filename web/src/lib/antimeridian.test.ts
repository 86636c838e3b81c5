import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { describe, expect, it } from 'vitest';
import { cutAtAntimeridian, type Polygon } from './antimeridian';

const maxJump = (polygons: readonly Polygon[]): number =>
  Math.max(
    0,
    ...polygons.flatMap((poly) =>
      poly.flatMap((ring) => ring.slice(1).map((p, i) => Math.abs((p[0] ?? 0) - (ring[i]?.[0] ?? 0)))),
    ),
  );

describe('cutAtAntimeridian', () => {
  it('leaves a polygon that does not cross alone', () => {
    const square: Polygon = [
      [
        [10, 10],
        [20, 10],
        [20, 20],
        [10, 20],
        [10, 10],
      ],
    ];
    expect(cutAtAntimeridian(square)).toEqual([square]);
  });

  it('cuts a polygon across 180° into a western and an eastern part', () => {
    const across: Polygon = [
      [
        [170, 60],
        [-170, 60],
        [-170, 70],
        [170, 70],
        [170, 60],
      ],
    ];
    const parts = cutAtAntimeridian(across);
    expect(parts).toHaveLength(2);
    const [west, east] = parts;
    const lons = (p: Polygon | undefined) => (p?.[0] ?? []).map((q) => q[0] ?? 0);
    expect(Math.min(...lons(west))).toBe(170);
    expect(Math.max(...lons(west))).toBe(180);
    expect(Math.min(...lons(east))).toBe(-180);
    expect(Math.max(...lons(east))).toBe(-170);
    expect(maxJump(parts)).toBeLessThanOrEqual(180);
  });

  it('leaves no world-atlas country with a line across the map', () => {
    const file = createRequire(import.meta.url).resolve('world-atlas/countries-110m.json');
    const topo = JSON.parse(readFileSync(file, 'utf8')) as Topology<{ countries: GeometryCollection }>;
    const fc = feature(topo, topo.objects.countries);
    let crossing = 0;
    for (const f of fc.features) {
      const name = (f.properties as { name: string }).name;
      if (name === 'Antarctica') continue;
      const g = f.geometry;
      const polys: Polygon[] =
        g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
      if (maxJump(polys) > 180) crossing++;
      expect(maxJump(polys.flatMap(cutAtAntimeridian)), name).toBeLessThanOrEqual(180);
    }
    expect(crossing).toBeGreaterThan(0); // Russia and Fiji at least: the test tests something
  });
});
