/**
 * The report's charts and world map as SVG text, drawn by echarts' server-side renderer (no
 * browser, no DOM); the map's shapes come from world-atlas (countries-110m TopoJSON, via
 * topojson-client), its ids turned into alpha-2 codes by src/domain/country-codes.ts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as echarts from 'echarts';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { alpha2OfFeature, countryName } from '../../domain/country-codes.js';

const FONT = 'Helvetica, Arial, sans-serif';
const INK = '#1f2933';
const ACCENT = '#1d4e89';
const MAP = 'accord-world';

let mapRegistered = false;

/** world-atlas countries as GeoJSON, each feature named by its alpha-2 code (property `cc`). */
function registerWorld(): void {
  if (mapRegistered) return;
  const file = createRequire(import.meta.url).resolve('world-atlas/countries-110m.json');
  const topo = JSON.parse(readFileSync(file, 'utf8')) as Topology;
  const countries = topo.objects.countries;
  if (countries === undefined) throw new Error(`${file}: no "countries" object`);
  const geo = feature(topo, countries) as unknown as GeoJSON.FeatureCollection;
  const features = geo.features
    .filter((f) => f.id !== '010')
    .map((f) => ({
      ...f,
      geometry: unwrapDateline(f),
      properties: {
        ...f.properties,
        cc:
          alpha2OfFeature(f.id ?? null, (f.properties as { name?: string } | null)?.name) ?? `?${f.id ?? ''}`,
      },
    }));
  // biome-ignore lint/suspicious/noExplicitAny: echarts' GeoJSON type is its own copy of the same shape
  echarts.registerMap(MAP, { type: 'FeatureCollection', features } as any);
  mapRegistered = true;
}

/** Russia and Fiji cross the 180th meridian: their far-east points move to > 180 so no ring spans the map. */
function unwrapDateline(f: GeoJSON.Feature): GeoJSON.Geometry {
  const g = f.geometry;
  if ((f.id !== '643' && f.id !== '242') || g.type !== 'MultiPolygon') return g;
  return {
    ...g,
    coordinates: g.coordinates.map((poly) =>
      poly.map((ring) =>
        ring.map(([x, y]) => [(x as number) < -160 ? (x as number) + 360 : (x as number), y as number]),
      ),
    ),
  };
}

function render(width: number, height: number, option: echarts.EChartsOption): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT, color: INK }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export interface CountryValue {
  readonly cc: string;
  readonly servers: number;
  readonly hosts: number;
}

/** The world coloured by C2 servers per country (hosts they control in the tooltip-free label list). */
export function worldMapSvg(rows: readonly CountryValue[], width = 900, height = 460): string {
  registerWorld();
  const max = Math.max(1, ...rows.map((r) => r.servers));
  return render(width, height, {
    visualMap: {
      type: 'continuous',
      min: 0,
      max,
      left: 10,
      bottom: 10,
      text: [`${max.toLocaleString('en-US')} C2 servers`, '0'],
      calculable: false,
      inRange: { color: ['#dbe9f6', '#6a9fd4', ACCENT, '#0b2545'] },
      textStyle: { fontFamily: FONT, color: INK },
    },
    series: [
      {
        type: 'map',
        map: MAP,
        nameProperty: 'cc',
        roam: false,
        layoutCenter: ['50%', '52%'],
        layoutSize: '190%',
        itemStyle: { areaColor: '#f0f2f4', borderColor: '#9aa5b1', borderWidth: 0.4 },
        emphasis: { disabled: true },
        label: { show: false },
        data: rows.map((r) => ({ name: r.cc, value: r.servers })),
      },
    ],
  });
}

/** A horizontal bar chart, largest first from the top. */
export function barChartSvg(
  o: {
    readonly rows: ReadonlyArray<{
      readonly label: string;
      readonly value: number;
      readonly second?: number;
    }>;
    readonly valueName: string;
    readonly secondName?: string;
  },
  width = 900,
): string {
  const rows = [...o.rows].reverse();
  const height = Math.max(140, 60 + rows.length * (o.secondName ? 34 : 24));
  const series: echarts.SeriesOption[] = [
    {
      type: 'bar',
      name: o.valueName,
      data: rows.map((r) => r.value),
      itemStyle: { color: ACCENT },
      label: {
        show: true,
        position: 'right',
        fontSize: 10,
        formatter: (p) => Number(p.value).toLocaleString('en-US'),
      },
    },
  ];
  if (o.secondName)
    series.push({
      type: 'bar',
      name: o.secondName,
      data: rows.map((r) => r.second ?? 0),
      itemStyle: { color: '#e07a1f' },
      label: {
        show: true,
        position: 'right',
        fontSize: 10,
        formatter: (p) => Number(p.value).toLocaleString('en-US'),
      },
    });
  return render(width, height, {
    grid: { left: 10, right: 70, top: o.secondName ? 30 : 10, bottom: 10, containLabel: true },
    ...(o.secondName ? { legend: { top: 0, textStyle: { fontFamily: FONT, color: INK } } } : {}),
    xAxis: { type: 'value', axisLabel: { fontSize: 10 } },
    yAxis: {
      type: 'category',
      data: rows.map((r) => r.label),
      axisLabel: { fontSize: 11, width: 220, overflow: 'truncate' },
    },
    series,
  });
}

/** Infected hosts (and C2 servers abroad) per day. */
export function dailyChartSvg(
  days: ReadonlyArray<{
    readonly day: string;
    readonly infectedHosts: number;
    readonly c2ServersAbroad: number;
  }>,
  width = 900,
  height = 280,
): string {
  return render(width, height, {
    grid: { left: 10, right: 20, top: 36, bottom: 10, containLabel: true },
    legend: { top: 0, textStyle: { fontFamily: FONT, color: INK } },
    xAxis: { type: 'category', data: days.map((d) => d.day), axisLabel: { fontSize: 10 } },
    yAxis: { type: 'value', axisLabel: { fontSize: 10 } },
    series: [
      {
        type: 'line',
        name: 'Infected hosts',
        data: days.map((d) => d.infectedHosts),
        showSymbol: days.length <= 62,
        itemStyle: { color: ACCENT },
        areaStyle: { color: 'rgba(29, 78, 137, 0.12)' },
      },
      {
        type: 'line',
        name: 'C2 servers abroad',
        data: days.map((d) => d.c2ServersAbroad),
        showSymbol: days.length <= 62,
        itemStyle: { color: '#e07a1f' },
      },
    ],
  });
}

export { countryName };
