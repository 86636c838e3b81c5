/** echarts, module by module: only the charts and components the dashboard draws are bundled. */
import { BarChart, LineChart, MapChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  MapChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type { EChartsCoreOption as ChartOption } from 'echarts/core';
export { echarts };

/** The dashboard's palette (kept in step with styles.css). */
export const COLORS = {
  primary: '#1f5fa8',
  accent: '#d9822b',
  danger: '#c23b22',
  muted: '#8a94a6',
  grid: '#e3e7ee',
  text: '#1d2433',
} as const;
