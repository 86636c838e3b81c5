/** One echarts instance in a div: created on mount, updated with the option, resized with its box. */
import { useEffect, useRef } from 'react';
import { type ChartOption, echarts } from './echarts';

export interface ChartClick {
  readonly name: string;
  readonly seriesType?: string;
  readonly data?: unknown;
}

export function EChart({
  option,
  height = 300,
  onClick,
  label,
  testid,
}: {
  readonly option: ChartOption;
  readonly height?: number;
  readonly onClick?: (e: ChartClick) => void;
  /** Said to screen readers (the canvas says nothing). */
  readonly label: string;
  readonly testid?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<typeof echarts.init> | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const c = echarts.init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    c.on('click', (p) => click.current?.(p as unknown as ChartClick));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(el);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return (
    <div
      ref={box}
      className={onClick ? 'chart chart-clickable' : 'chart'}
      style={{ height }}
      role="img"
      aria-label={label}
      data-testid={testid}
    />
  );
}
