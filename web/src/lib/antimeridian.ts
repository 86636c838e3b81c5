/**
 * world-atlas's shapes are stitched across the antimeridian (made for spherical projections), so a
 * flat map such as echarts' draws Russia and Fiji with a line across the whole world. This cuts
 * such polygons at ±180° again. Pure, on GeoJSON coordinate arrays ([longitude, latitude]).
 */
export type Position = readonly number[];
export type Ring = readonly Position[];
export type Polygon = readonly Ring[];

const crosses = (ring: Ring): boolean =>
  ring.some((p, i) => i > 0 && Math.abs((p[0] ?? 0) - (ring[i - 1]?.[0] ?? 0)) > 180);

/** The ring with longitudes made continuous (no jump over 180°), shifted to start west of 180°. */
function unwrap(ring: Ring): Position[] {
  const out: Position[] = [];
  let shift = 0;
  let prev: number | undefined;
  for (const p of ring) {
    const lon = p[0] ?? 0;
    if (prev !== undefined) {
      const d = lon + shift - prev;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    prev = lon + shift;
    out.push([lon + shift, ...p.slice(1)]);
  }
  const min = Math.min(...out.map((p) => p[0] ?? 0));
  return min < -180 ? out.map((p) => [(p[0] ?? 0) + 360, ...p.slice(1)]) : out;
}

/** Sutherland–Hodgman against the half-plane west (`side` -1) or east (+1) of longitude `at`. */
function clip(ring: readonly Position[], at: number, side: -1 | 1): Position[] {
  const inside = (p: Position) => ((p[0] ?? 0) - at) * side >= 0;
  const out: Position[] = [];
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i] as Position;
    const b = ring[(i + 1) % ring.length] as Position;
    const ina = inside(a);
    if (ina) out.push(a);
    if (ina !== inside(b)) {
      const [ax = 0, ay = 0] = a;
      const [bx = 0, by = 0] = b;
      const t = (at - ax) / (bx - ax);
      out.push([at, ay + t * (by - ay)]);
    }
  }
  const first = out[0];
  const last = out[out.length - 1];
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) out.push(first);
  return out;
}

const shifted = (ring: readonly Position[], by: number): Position[] =>
  ring.map((p) => [(p[0] ?? 0) + by, ...p.slice(1)]);

/** The polygon as one or more polygons none of which crosses the antimeridian. */
export function cutAtAntimeridian(polygon: Polygon): Polygon[] {
  if (!polygon.some(crosses)) return [polygon];
  const rings = polygon.map(unwrap);
  const west: Position[][] = [];
  const east: Position[][] = [];
  for (const ring of rings) {
    const w = clip(ring, 180, -1);
    const e = shifted(clip(ring, 180, 1), -360);
    if (w.length >= 4) west.push(w);
    if (e.length >= 4) east.push(e);
  }
  return [west, east].filter((p) => p.length > 0);
}
