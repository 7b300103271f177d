import type { Point2 } from '../../experiments/kit/quadratic.ts';

/** A square plot area mapping data coordinates to SVG pixels (y up), equal units on both axes. */
export interface SquareFrame {
  readonly size: number;
  readonly pad: number;
  readonly x0: number;
  readonly y0: number;
  readonly span: number;
}

/** The frame that shows every point with a margin, both axes on the same scale. */
export function squareFrame(points: readonly Point2[], size: number, pad: number): SquareFrame {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const cx = (Math.min(...xs) + Math.max(...xs)) / 2;
  const cy = (Math.min(...ys) + Math.max(...ys)) / 2;
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-9);
  const span = half * 1.5;
  return { size, pad, x0: cx - span / 2, y0: cy - span / 2, span };
}

export function toPixel(f: SquareFrame, p: Point2): Point2 {
  const inner = f.size - 2 * f.pad;
  return [
    f.pad + ((p[0] - f.x0) / f.span) * inner,
    f.size - f.pad - ((p[1] - f.y0) / f.span) * inner,
  ];
}

/** An SVG path through the points (closed with Z when `closed`), rounded to 0.1 px. */
export function pathData(points: readonly Point2[], closed: boolean): string {
  if (points.length === 0) return '';
  const parts = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p[0].toFixed(1)} ${p[1].toFixed(1)}`);
  return parts.join('') + (closed ? 'Z' : '');
}

/** A linear map from [lo, hi] onto [a, b] (clamped), for the 1-D strips and histograms. */
export function linear(lo: number, hi: number, a: number, b: number): (v: number) => number {
  const span = hi > lo ? hi - lo : 1;
  return (v) => a + ((Math.min(Math.max(v, lo), hi) - lo) / span) * (b - a);
}
