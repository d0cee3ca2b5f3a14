import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Columns } from './health-slice';
import { useStore } from '../../store';
import { useThemeKey } from '../settings/theme';

export interface ChartSeries {
  label: string;
  stroke: string;
}

/**
 * One uPlot time chart with axes, a unit on the y axis and the hover legend (values at the cursor).
 * Rebuilt when the series change; new data is applied with setData (no flicker, cursor kept).
 */
export function UplotChart(props: { title: string; unit: string; series: ChartSeries[]; data: Columns; utc: boolean; format?: (v: number) => string; testId?: string; height?: number }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const fmt = props.format ?? ((v: number) => `${Number.isInteger(v) ? v : v.toFixed(2)}`);
  // The axis colour is resolved from the stylesheet once per build: build again when the theme changes.
  const themeKey = useThemeKey(useStore((s) => s.settings.theme));
  const seriesKey = props.series.map((s) => `${s.label}:${s.stroke}`).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(240, el.clientWidth);
    // Canvas strokes cannot read CSS variables: resolve the theme's colour once per build.
    const muted = getComputedStyle(el).getPropertyValue('--muted').trim() || '#888';
    const opts: uPlot.Options = {
      title: props.title,
      width,
      height: props.height ?? 180,
      tzDate: props.utc ? (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC') : (ts) => new Date(ts * 1000),
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [
        { stroke: muted, grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { stroke: 'rgba(128,128,128,0.3)' } },
        { stroke: muted, grid: { stroke: 'rgba(128,128,128,0.15)' }, ticks: { stroke: 'rgba(128,128,128,0.3)' }, label: props.unit, size: 60, values: (_u, vals) => vals.map((v) => fmt(v)) },
      ],
      series: [{ label: 'time' }, ...props.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5, value: (_u: uPlot, v: number | null) => (v === null ? '—' : `${fmt(v)} ${props.unit}`) }))],
      legend: { live: true },
    };
    plot.current = new uPlot(opts, props.data as uPlot.AlignedData, el);
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(240, el.clientWidth), height: props.height ?? 180 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when what is drawn changes; data goes through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [seriesKey, props.title, props.unit, props.utc, themeKey]);

  useEffect(() => {
    plot.current?.setData(props.data as uPlot.AlignedData);
  }, [props.data]);

  return <div ref={host} className="chart" data-testid={props.testId} data-points={props.data[0].length} />;
}
