import { formatCount } from '../../_components/ui/format';
import type { TrendPoint } from './dashboard-types';

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 44, right: 12, top: 12, bottom: 24 };

/** A round upper bound for the axis: 1, 2 or 5 times a power of ten. */
function niceMax(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((bound) => bound >= value)!;
}

export interface TrendSeries {
  key: string;
  label: string;
  className: string;
  value: (point: TrendPoint) => number;
}

/**
 * Days along x, one polyline per series (`kind` line) or side-by-side bars per day (`kind` bars), in plain SVG: the
 * axis shows 0, the half and the top, and the first, middle and last days.
 */
export function TrendChart(props: { points: TrendPoint[]; series: TrendSeries[]; kind: 'line' | 'bars'; label: string; testId: string }) {
  // A level (line) is read at its latest day; a flow (bars) as its total over the days.
  const legendValue = (s: TrendSeries) => (props.kind === 'line' ? s.value(points[points.length - 1]!) : points.reduce((sum, point) => sum + s.value(point), 0));
  const { points, series } = props;
  const max = niceMax(Math.max(0, ...points.flatMap((point) => series.map((s) => s.value(point)))));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const step = plotWidth / Math.max(1, points.length);
  const x = (i: number) => PAD.left + step * (i + 0.5);
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const ticks = [0, max / 2, max];
  const dayTicks = [0, Math.floor((points.length - 1) / 2), points.length - 1];
  const barWidth = Math.max(1, (step * 0.8) / series.length);
  const grid = ticks.map((tick) => `<g class="dash-chart-grid"><line x1="${PAD.left}" x2="${WIDTH - PAD.right}" y1="${y(tick)}" y2="${y(tick)}"/><text x="${PAD.left - 6}" y="${y(tick) + 4}" text-anchor="end">${formatCount(tick)}</text></g>`);
  const days = dayTicks.map((i) => `<text class="dash-chart-day" x="${x(i)}" y="${HEIGHT - 6}" text-anchor="middle">${points[i]?.day.slice(5) ?? ''}</text>`);
  const drawn = series.map((s, si) =>
    props.kind === 'line'
      ? `<polyline class="dash-line ${s.className}" data-series="${s.key}" points="${points.map((point, i) => `${x(i).toFixed(1)},${y(s.value(point)).toFixed(1)}`).join(' ')}"/>`
      : `<g class="dash-bars ${s.className}" data-series="${s.key}">${points
          .filter((point) => s.value(point) > 0)
          .map((point) => {
            const i = points.indexOf(point);
            return `<rect data-day="${point.day}" data-value="${s.value(point)}" x="${(x(i) - step * 0.4 + si * barWidth).toFixed(1)}" y="${y(s.value(point)).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(plotHeight + PAD.top - y(s.value(point))).toFixed(1)}"/>`;
          })
          .join('')}</g>`,
  );
  // Every value is a number, a YYYY-MM-DD day or a class name of this file: nothing to escape.
  const shapes = [...grid, ...days, ...drawn].join('');
  return (
    <figure className="dash-chart" data-testid={props.testId} data-days={points.length}>
      {/* Markup, not elements: a few hundred static shapes the client has nothing to do with, so nothing to hydrate. */}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label} dangerouslySetInnerHTML={{ __html: shapes }} />
      <figcaption className="dash-chart-legend">
        {series.map((s) => (
          <span key={s.key} className={`dash-key ${s.className}`}>
            <span className="dash-key-swatch" aria-hidden="true" />
            {s.label} <strong data-testid={`${props.testId}-${s.key}`}>{formatCount(legendValue(s))}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
