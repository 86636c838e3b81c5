/** A ranked horizontal bar chart (top families, ASNs, networks); bars may be clicked. */
import { useMemo } from 'react';
import { formatCompact, formatInt } from '../lib/format';
import { EChart } from './echart';
import { COLORS } from './echarts';

export interface Bar {
  /** What a click hands back (a family, an AS, a network key); undefined: not clickable. */
  readonly key: string | undefined;
  readonly label: string;
  readonly value: number;
  /** A second figure for the tooltip ("12 C2 servers"). */
  readonly note?: string;
}

export function BarChart({
  bars,
  valueName,
  label,
  onSelect,
  selected,
  color = COLORS.primary,
  testid,
}: {
  readonly bars: readonly Bar[];
  readonly valueName: string;
  readonly label: string;
  readonly onSelect?: (key: string) => void;
  readonly selected?: string | undefined;
  readonly color?: string;
  readonly testid?: string;
}) {
  const option = useMemo(() => {
    // echarts draws the first category at the bottom: reverse so the largest is on top.
    const shown = [...bars].reverse();
    return {
      grid: { left: 8, right: 48, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number }) => {
          const b = shown[p.dataIndex];
          if (!b) return '';
          const esc = b.label.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
          return `<strong>${esc}</strong><br/>${valueName}: ${formatInt(b.value)}${b.note ? `<br/>${b.note}` : ''}`;
        },
      },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { formatter: (v: number) => formatCompact(v), color: COLORS.muted },
        splitLine: { lineStyle: { color: COLORS.grid } },
      },
      yAxis: {
        type: 'category',
        data: shown.map((b) => b.label),
        axisTick: { show: false },
        axisLine: { lineStyle: { color: COLORS.grid } },
        axisLabel: { color: COLORS.text, width: 120, overflow: 'truncate' },
      },
      series: [
        {
          type: 'bar',
          barMaxWidth: 18,
          data: shown.map((b) => ({
            value: b.value,
            itemStyle: {
              color: selected !== undefined && b.key === selected ? COLORS.accent : color,
              borderRadius: [0, 3, 3, 0],
            },
          })),
          label: {
            show: true,
            position: 'right',
            color: COLORS.text,
            formatter: (p: { value: number }) => formatInt(p.value),
          },
        },
      ],
    };
  }, [bars, valueName, selected, color]);

  return (
    <EChart
      option={option}
      height={Math.max(140, bars.length * 28 + 24)}
      label={label}
      {...(testid ? { testid } : {})}
      {...(onSelect
        ? {
            onClick: (e) => {
              const b = bars.find((x) => x.label === e.name);
              if (b?.key !== undefined) onSelect(b.key);
            },
          }
        : {})}
    />
  );
}
