/**
 * The one chart: lines or grouped bars in SVG, with axis labels, a legend, and the same numbers as a
 * visually hidden table for screen readers (the SVG itself is hidden from them). Gaps (null) break a line.
 */
import { useId } from 'react';
import { labelIndexes, niceMax, ticks } from './chart-scale.ts';

export type ChartSeries = { name: string; values: (number | null)[] };

type ChartProps = {
  kind: 'line' | 'bar';
  title: string;
  labels: string[];
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  /** How a value reads in the hidden table and the axis (units, rounding). */
  format?: (value: number) => string;
};

const WIDTH = 640;
const HEIGHT = 240;
// Room on the left for four-character ticks beside the rotated axis label, at the larger text of narrow charts.
const PAD = { left: 68, right: 16, top: 16, bottom: 48 };

export function Chart({ kind, title, labels, series, xLabel, yLabel, format = (v) => String(Math.round(v * 100) / 100) }: ChartProps) {
  const id = useId();
  const max = niceMax(series.flatMap((s) => s.values));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const slot = labels.length > 0 ? plotWidth / labels.length : plotWidth;
  const xCenter = (index: number) => PAD.left + slot * index + slot / 2;
  const shownLabels = labelIndexes(labels.length, 8);

  const lines = series.map((s) => {
    const segments: string[] = [];
    let current = '';
    s.values.forEach((value, index) => {
      if (value === null) {
        if (current) segments.push(current);
        current = '';
        return;
      }
      current += `${current ? ' L' : 'M'} ${xCenter(index).toFixed(1)} ${y(value).toFixed(1)}`;
    });
    if (current) segments.push(current);
    return segments;
  });

  const barWidth = Math.max(1, (slot * 0.8) / Math.max(1, series.length));

  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="chart-svg" aria-hidden="true" focusable="false" preserveAspectRatio="xMidYMid meet">
        {ticks(max).map((tick) => (
          <g key={tick}>
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} className="chart-grid" />
            <text x={PAD.left - 6} y={y(tick)} className="chart-tick" textAnchor="end" dominantBaseline="middle">
              {format(tick)}
            </text>
          </g>
        ))}
        {shownLabels.map((index) => (
          <text key={index} x={xCenter(index)} y={HEIGHT - PAD.bottom + 16} className="chart-tick" textAnchor="middle">
            {labels[index]}
          </text>
        ))}
        <text x={PAD.left + plotWidth / 2} y={HEIGHT - 6} className="chart-axis-label" textAnchor="middle">
          {xLabel}
        </text>
        <text x={12} y={PAD.top + plotHeight / 2} className="chart-axis-label" textAnchor="middle" transform={`rotate(-90 12 ${PAD.top + plotHeight / 2})`}>
          {yLabel}
        </text>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="chart-axis" />
        {kind === 'line'
          ? lines.map((segments, seriesIndex) =>
              segments.map((d, segmentIndex) => <path key={`${seriesIndex}-${segmentIndex}`} d={d} className={`chart-line series-${seriesIndex}`} />),
            )
          : series.map((s, seriesIndex) =>
              s.values.map((value, index) =>
                value === null || value <= 0 ? null : (
                  <rect
                    key={`${seriesIndex}-${index}`}
                    x={PAD.left + slot * index + slot * 0.1 + barWidth * seriesIndex}
                    y={y(value)}
                    width={barWidth}
                    height={PAD.top + plotHeight - y(value)}
                    className={`chart-bar series-${seriesIndex}`}
                  />
                ),
              ),
            )}
      </svg>
      <ul className="chart-legend" aria-hidden="true">
        {series.map((s, index) => (
          <li key={s.name}>
            <span className={`legend-swatch series-${index}`} />
            {s.name}
          </li>
        ))}
      </ul>
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{xLabel}</th>
            {series.map((s) => (
              <th key={s.name} scope="col">
                {s.name} ({yLabel})
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((label, index) => (
            <tr key={`${label}-${index}`}>
              <th scope="row">{label}</th>
              {series.map((s) => {
                const value = s.values[index];
                return <td key={s.name}>{value === null || value === undefined ? 'no data' : format(value)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {labels.length === 0 ? <p className="muted">No data yet.</p> : null}
    </figure>
  );
}
