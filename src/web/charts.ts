/**
 * ECharts, tree-shaken to what the dashboard draws: lines (time series), bars, scatter (compare,
 * plan), shaded areas and marker lines (schedule windows), on the canvas renderer (fast with the
 * thousands of points a plan can have). The aria component writes a text description of every chart
 * into its aria-label, for screen readers (and the browser tests read it).
 */
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { h } from './dom.js';

echarts.use([
  LineChart,
  BarChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  AriaComponent,
  CanvasRenderer,
]);

export type ChartOption = EChartsCoreOption;
export interface ClickParams {
  dataIndex: number;
  seriesIndex: number;
  seriesName: string;
  data: unknown;
}

/** One colour per component, the same on every chart. */
export const COMPONENT_COLORS = { cpu: '#3b82f6', gpu: '#f59e0b', memory: '#8b5cf6' } as const;
export const GOOD = '#16a34a';
export const MUTED = '#94a3b8';

const cssVar = (name: string, fallback: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

/** Colours from the page's CSS, so charts follow prefers-color-scheme. */
function baseOption(): ChartOption {
  const fg = cssVar('--fg', '#1f2937');
  const grid = cssVar('--grid', '#e5e7eb');
  return {
    useUTC: true,
    animation: false,
    aria: { enabled: true },
    textStyle: { color: fg, fontFamily: 'system-ui, sans-serif' },
    grid: { left: 64, right: 24, top: 36, bottom: 40, containLabel: false },
    tooltip: { trigger: 'axis', confine: true },
    legend: { top: 4, textStyle: { color: fg } },
    xAxis: { axisLine: { lineStyle: { color: grid } }, splitLine: { lineStyle: { color: grid } } },
    yAxis: { axisLine: { lineStyle: { color: grid } }, splitLine: { lineStyle: { color: grid } } },
  };
}

/** Merges an option over the base one (one level deep for the axis objects). */
function withBase(option: ChartOption): ChartOption {
  const base = baseOption() as Record<string, unknown>;
  const out: Record<string, unknown> = { ...base, ...option };
  for (const axis of ['xAxis', 'yAxis'] as const) {
    const given = (option as Record<string, unknown>)[axis];
    if (given && !Array.isArray(given) && typeof given === 'object') out[axis] = { ...(base[axis] as object), ...given };
    if (Array.isArray(given)) out[axis] = given.map((g: object) => ({ ...(base[axis] as object), ...g }));
  }
  return out as ChartOption;
}

/**
 * A chart in its own element. ECharts is initialised when the element first has a size (after it
 * is attached), then follows its box; `dispose` (the router calls it when the page changes) frees it.
 */
export class ChartBox {
  readonly el: HTMLElement;
  private chart: echarts.ECharts | null = null;
  private option: ChartOption;
  private readonly ro: ResizeObserver;
  private readonly handlers: ((params: ClickParams) => void)[] = [];

  constructor(
    option: ChartOption,
    private readonly opts: { height?: number; label: string; group?: string },
  ) {
    this.option = option;
    this.el = h('div', { class: 'chart', role: 'img', 'data-chart': opts.label, style: `height:${opts.height ?? 280}px` });
    this.ro = new ResizeObserver(() => {
      if (this.chart) this.chart.resize();
      else if (this.el.clientWidth > 0) this.init();
    });
    this.ro.observe(this.el);
  }

  private init(): void {
    const chart = echarts.init(this.el, null, { renderer: 'canvas' });
    chart.setOption(withBase(this.option));
    if (this.opts.group) {
      chart.group = this.opts.group;
      echarts.connect(this.opts.group);
    }
    for (const handler of this.handlers) chart.on('click', handler as (p: unknown) => void);
    this.chart = chart;
    this.mark();
  }

  /** data-rendered tells (tests, and anyone reading the DOM) that the chart shows data, not a placeholder. */
  private mark(): void {
    const series = (this.option as { series?: unknown }).series;
    if (this.chart && Array.isArray(series) && series.length > 0) this.el.setAttribute('data-rendered', 'true');
    else this.el.removeAttribute('data-rendered');
  }

  /** Replaces the chart's option (drawn now if the chart is on screen, else when it appears). */
  set(option: ChartOption): void {
    this.option = option;
    this.chart?.setOption(withBase(option), { notMerge: true });
    this.mark();
  }

  /** Listens to clicks on the chart's data (attached when the chart is drawn). */
  onClick(handler: (params: ClickParams) => void): void {
    this.handlers.push(handler);
    this.chart?.on('click', handler as (p: unknown) => void);
  }

  dispose(): void {
    this.ro.disconnect();
    this.chart?.dispose();
    this.chart = null;
  }
}
