/** Infected hosts per day (line), with the C2 servers seen each day on a second axis (bars). */
import { useMemo } from 'react';
import type { DailyStats } from '../api/types';
import { formatCompact, formatDay, formatInt } from '../lib/format';
import { EChart } from './echart';
import { COLORS } from './echarts';

export function DailyChart({ days }: { readonly days: DailyStats['days'] }) {
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, right: 40, textStyle: { color: COLORS.text } },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => formatInt(v),
      },
      xAxis: {
        type: 'category',
        data: days.map((d) => d.day),
        axisLabel: { formatter: (d: string) => formatDay(d).replace(/ \d{4}$/, ''), color: COLORS.muted },
        axisLine: { lineStyle: { color: COLORS.grid } },
      },
      yAxis: [
        {
          type: 'value',
          name: 'hosts',
          minInterval: 1,
          axisLabel: { formatter: (v: number) => formatCompact(v), color: COLORS.muted },
          splitLine: { lineStyle: { color: COLORS.grid } },
        },
        {
          type: 'value',
          name: 'C2',
          minInterval: 1,
          axisLabel: { formatter: (v: number) => formatCompact(v), color: COLORS.muted },
          splitLine: { show: false },
        },
      ],
      series: [
        {
          name: 'Infected hosts',
          type: 'line',
          smooth: false,
          showSymbol: days.length < 60,
          areaStyle: { opacity: 0.12 },
          lineStyle: { width: 2 },
          color: COLORS.primary,
          data: days.map((d) => d.infectedHosts),
        },
        {
          name: 'C2 servers',
          type: 'bar',
          yAxisIndex: 1,
          barMaxWidth: 10,
          color: COLORS.accent,
          data: days.map((d) => d.c2Servers),
        },
      ],
    }),
    [days],
  );
  return (
    <EChart
      option={option}
      height={280}
      testid="daily-chart"
      label={`Infected hosts per day over ${days.length} days`}
    />
  );
}
