/** C2 servers abroad per country on a world map; the tooltip adds the domestic hosts they control. */
import { useMemo } from 'react';
import type { C2Row } from '../api/types';
import { countryName } from '../lib/country-name';
import { formatInt } from '../lib/format';
import { EChart } from './echart';
import { COLORS } from './echarts';
import { registerWorldMap, WORLD_MAP } from './world-geo';

registerWorldMap();

interface Datum {
  name: string;
  value: number;
  hosts: number;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export default function WorldMap({
  rows,
  selected,
  onSelect,
}: {
  readonly rows: readonly C2Row[];
  readonly selected: string | undefined;
  readonly onSelect: (cc: string) => void;
}) {
  const option = useMemo(() => {
    const data: Datum[] = rows
      .filter((r): r is C2Row & { key: string } => r.key !== null)
      .map((r) => ({
        name: r.key.toUpperCase(),
        value: r.servers.current,
        hosts: r.hosts.current,
        ...(selected === r.key.toUpperCase() ? { selected: true } : {}),
      }));
    const max = Math.max(1, ...data.map((d) => d.value));
    return {
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; data?: Datum }) => {
          const name = escapeHtml(countryName(p.name.length === 2 ? p.name : null) || p.name);
          if (!p.data) return `${p.name.length === 2 ? name : escapeHtml(p.name)}<br/>no C2 servers`;
          return `<strong>${name}</strong><br/>C2 servers: ${formatInt(p.data.value)}<br/>Hosts controlled: ${formatInt(p.data.hosts)}`;
        },
      },
      visualMap: {
        type: 'continuous',
        min: 0,
        max,
        left: 8,
        bottom: 8,
        text: ['more C2', 'fewer'],
        calculable: false,
        itemHeight: 90,
        inRange: { color: ['#fde9d2', '#f0a35e', COLORS.danger] },
        textStyle: { color: COLORS.text, fontSize: 11 },
      },
      series: [
        {
          type: 'map',
          map: WORLD_MAP,
          roam: true,
          scaleLimit: { min: 1, max: 8 },
          top: 10,
          bottom: 10,
          selectedMode: 'single',
          itemStyle: { areaColor: '#eef1f5', borderColor: '#b8c0cc', borderWidth: 0.5 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: '#ffd27a' } },
          select: { label: { show: false }, itemStyle: { areaColor: COLORS.primary } },
          data,
        },
      ],
    };
  }, [rows, selected]);

  return (
    <EChart
      option={option}
      height={380}
      testid="world-map"
      label={`World map of C2 servers abroad by country: ${rows.length} countries`}
      onClick={(e) => {
        if (/^[A-Z]{2}$/.test(e.name) && e.data) onSelect(e.name);
      }}
    />
  );
}
