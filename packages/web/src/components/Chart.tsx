import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

// A time-series chart (uPlot): x in epoch ms, one line or bar series per entry of `series`.

export interface Series {
  label: string;
  values: (number | null)[];
  color?: string;
}

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c'];

export function TimeChart(props: {
  times: number[];
  series: Series[];
  format?: (v: number) => string;
  height?: number;
  kind?: 'line' | 'bars';
  // Averages with empty buckets (scores): each value drawn as a point, joined across the gaps.
  sparse?: boolean;
  testId?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const { times, series, format, height = 220, kind = 'line', sparse = false } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const fmt = format ?? ((v: number) => String(v));
    const bars = kind === 'bars' ? uPlot.paths.bars!({ size: [0.7, 40] }) : undefined;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      // Names and colours only; a live legend reads "—" for every value until the cursor is on the chart.
      legend: { show: series.length > 1, live: false },
      cursor: { points: { size: 6 } },
      scales: { x: { time: true } },
      // Times in UTC, as every table and the time range are.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      axes: [
        { stroke: '#64748b', grid: { stroke: '#eef2f7' } },
        { stroke: '#64748b', grid: { stroke: '#eef2f7' }, size: 70, values: (_u, splits) => splits.map((v) => fmt(v)) },
      ],
      series: [
        { value: (_u, v) => (v === null ? '' : new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')) },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          fill: kind === 'bars' ? `${s.color ?? PALETTE[i % PALETTE.length]}99` : undefined,
          width: kind === 'bars' ? 0 : 1.5,
          paths: bars,
          points: { show: sparse },
          spanGaps: sparse,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)),
        })),
      ],
    };
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...series.map((s) => s.values)];
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [times, series, format, height, kind, sparse]);
  return <div className="chart" ref={box} data-testid={props.testId} data-points={times.length} />;
}

// Horizontal bars for a breakdown (by model, by feature...).
// `display` replaces the formatted value (e.g. a cost that is unknown, not $0).
export function BarList(props: { rows: { label: string; value: number; display?: string }[]; format: (v: number) => string; testId?: string; onSelect?: (label: string) => void }) {
  const max = Math.max(0, ...props.rows.map((r) => r.value));
  return (
    <div className="barlist" data-testid={props.testId}>
      {props.rows.map((r) => (
        <div className="barlist-row" key={r.label} onClick={props.onSelect ? () => props.onSelect!(r.label) : undefined} role={props.onSelect ? 'button' : undefined}>
          <div className="barlist-label" title={r.label}>
            {r.label}
          </div>
          <div className="barlist-track">
            <div className="barlist-bar" style={{ width: `${max > 0 ? (r.value / max) * 100 : 0}%` }} />
          </div>
          <div className="barlist-value">{r.display ?? props.format(r.value)}</div>
        </div>
      ))}
    </div>
  );
}
