/**
 * The world map for echarts: world-atlas's 110m countries (TopoJSON, Natural Earth) converted to
 * GeoJSON with topojson-client; each country is named by its ISO alpha-2 code (the table in
 * src/domain/country-codes, shared with the report) so that the stats' country codes colour it
 * directly. Antarctica is left out (no C2 servers, a lot of space).
 */
import type { FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import atlas from 'world-atlas/countries-110m.json';
import { alpha2OfFeature } from '../../../src/domain/country-codes';
import { cutAtAntimeridian } from '../lib/antimeridian';
import { echarts } from './echarts';

export const WORLD_MAP = 'accord-world';

interface CountryProps {
  name: string;
  title: string;
}

let registered = false;

/** Polygons cut at ±180° so that a flat projection draws no line across the world. */
function flat(g: Geometry): Geometry {
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return g;
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).flatMap(cutAtAntimeridian);
  return polygons.length === 1
    ? ({ type: 'Polygon', coordinates: polygons[0] } as Polygon)
    : ({ type: 'MultiPolygon', coordinates: polygons } as MultiPolygon);
}

export function registerWorldMap(): void {
  if (registered) return;
  const topo = atlas as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>;
  const fc = feature(topo, topo.objects.countries) as FeatureCollection<Geometry, { name: string }>;
  const features = fc.features
    .filter((f) => f.properties.name !== 'Antarctica')
    .map((f) => {
      const code = alpha2OfFeature(f.id as string | number | undefined, f.properties.name);
      return {
        ...f,
        geometry: flat(f.geometry),
        properties: { name: code ?? f.properties.name, title: f.properties.name },
      };
    });
  const geo: FeatureCollection<Geometry, CountryProps> = { type: 'FeatureCollection', features };
  echarts.registerMap(WORLD_MAP, geo as unknown as Parameters<typeof echarts.registerMap>[1]);
  registered = true;
}
