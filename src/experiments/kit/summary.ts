import type { SummaryPoint } from './figure.ts';
import { groupBy, round, spread } from './stats.ts';

/** Mean ± std (and range) of `y` over seeds, for every (series, x) found in `rows`. */
export function summarize<Row>(
  rows: readonly Row[],
  series: (row: Row) => string,
  x: (row: Row) => number,
  y: (row: Row) => number,
): SummaryPoint[] {
  const groups = groupBy(rows, (r) => `${series(r)}\u0000${x(r)}`);
  return [...groups.values()].map((g) => {
    const s = spread(g.map(y));
    return {
      series: series(g[0]!),
      x: x(g[0]!),
      mean: round(s.mean),
      lo: round(s.mean - s.std),
      hi: round(s.mean + s.std),
      min: round(s.min),
      max: round(s.max),
      seeds: s.n,
    };
  });
}

/** The summary point of one series at one x (NaN mean when absent, e.g. a partial run). */
export function pointAt(points: readonly SummaryPoint[], series: string, x: number): number {
  return points.find((p) => p.series === series && p.x === x)?.mean ?? Number.NaN;
}

/** Summary means as a nested record, series → x label → mean (for the finding's JSON). */
export function meanTable(
  points: readonly SummaryPoint[],
  xLabel: (x: number) => string = String,
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const p of points) {
    const row = out[p.series] ?? {};
    row[xLabel(p.x)] = p.mean;
    out[p.series] = row;
  }
  return out;
}
