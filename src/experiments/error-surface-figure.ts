import { msg, str } from '@lit/localize';
import type { Spec as VegaSpec } from 'vega';
import { type DescentPoint, lossAt, minimizer, type Quadratic } from './kit/quadratic.ts';
import type { ExperimentResult, Finding } from './kit/types.ts';
import { FIGURE_CONFIG } from './kit/figure.ts';
import { count } from './kit/words.ts';

/** What the error-surface experiment (./error-surface.ts) measures, as this figure draws it. */
export type Scaling = 'raw' | 'standardized';

export interface ErrorSurfaceRow {
  readonly scaling: Scaling;
  readonly seed: number;
  /** Gradient descent steps to reach the common target loss. */
  readonly steps: number;
  readonly reached: boolean;
  /** The best constant step for a quadratic, 2/(λmax + λmin). */
  readonly lr: number;
  readonly curvatureMax: number;
  readonly curvatureMin: number;
  readonly condition: number;
  readonly minLoss: number;
  readonly targetLoss: number;
  readonly quadratic: Quadratic;
  readonly path: DescentPoint[];
}

export interface ErrorSurfaceFinding extends Finding {
  readonly meanSteps: Record<Scaling, number>;
  readonly meanCondition: Record<Scaling, number>;
}

/**
 * The step counts the figure and the checks both print, from one computation: the figure draws
 * the paths of ONE data seed (the first that has rows), so its headings give that seed's counts;
 * the mean over seeds is given beside them, never in their place (the figure once said 23,373
 * steps, seed 1's count, while the check said 22,040, the mean over 3 seeds).
 */
export interface StepCounts {
  /** The seed whose paths the figure draws (NaN without rows). */
  readonly seed: number;
  readonly shown: Record<Scaling, number>;
  readonly mean: Record<Scaling, number>;
  readonly seeds: number;
}

export function stepCounts(rows: readonly ErrorSurfaceRow[]): StepCounts {
  const seeds = [...new Set(rows.map((r) => r.seed))].sort((a, b) => a - b);
  const seed = seeds[0] ?? Number.NaN;
  const stepsOf = (s: Scaling, pick: (r: ErrorSurfaceRow) => boolean): number => {
    const v = rows.filter((r) => r.scaling === s && pick(r)).map((r) => r.steps);
    return v.length ? Math.round(v.reduce((a, b) => a + b, 0) / v.length) : Number.NaN;
  };
  const per = (pick: (r: ErrorSurfaceRow) => boolean): Record<Scaling, number> => ({
    raw: stepsOf('raw', pick),
    standardized: stepsOf('standardized', pick),
  });
  return { seed, shown: per((r) => r.seed === seed), mean: per(() => true), seeds: seeds.length };
}

const SIZE = 300;
/** Contours of log₁₀(L − L*), one per decade. */
const THRESHOLDS = [-4, -3, -2, -1, 0, 1, 2, 3];
const GRID = 80;
const PAD = 2;

/**
 * Loss contours and the gradient-descent path in weight space, raw and standardized, side by
 * side with EQUAL axis units: with the 100× feature scale the raw valley is a ravine far thinner
 * than it is long, which stretched axes would hide. Contours come from Vega's isocontour
 * transform over a grid of the loss (Vega, not Vega-Lite, which has no contour transform).
 */
export function errorSurfaceFigure(
  result: ExperimentResult<ErrorSurfaceRow, ErrorSurfaceFinding>,
): VegaSpec {
  const counts = stepCounts(result.rows);
  const seed = counts.seed;
  const rows = result.rows.filter((r) => r.seed === seed);
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    padding: 10,
    config: {
      axis: FIGURE_CONFIG.axis,
      legend: FIGURE_CONFIG.legend,
      title: { ...FIGURE_CONFIG.title },
    },
    title: {
      text: msg('Gradient descent on raw vs standardized features'),
      subtitle: [
        msg(
          str`Least squares, y ≈ w₁x₁ + w₂x₂ with x₂ about 100× larger than x₁ (correlation 0.5); data seed ${seed}.`,
        ),
        msg(
          'Each with its best constant step 2/(λmax + λmin), from w = 0 to the same loss (1/1000 of the starting excess).',
        ),
        ...(counts.seeds > 1
          ? [
              msg(
                str`Steps shown for seed ${seed}; on average over ${counts.seeds} seeds: ${count(counts.mean.raw)} raw, ${count(counts.mean.standardized)} standardized.`,
              ),
            ]
          : []),
      ],
      anchor: 'start',
      font: FIGURE_CONFIG.font,
    },
    layout: { columns: 2, padding: 50 },
    scales: [
      {
        name: 'level',
        type: 'linear',
        domain: [THRESHOLDS[0]!, THRESHOLDS[THRESHOLDS.length - 1]!],
        range: { scheme: 'viridis' },
      },
    ],
    legends: [
      { stroke: 'level', title: 'log₁₀(L − L*)', orient: 'right', gradientLength: SIZE - 40 },
    ],
    marks: rows.map((r, i) => panel(r, i, counts.shown[r.scaling])),
  } as unknown as VegaSpec;
}

function panel(row: ErrorSurfaceRow, index: number, steps: number): Record<string, unknown> {
  const q = row.quadratic;
  const [s1, s2] = minimizer(q);
  // Equal units on both axes, framing the path (which may overshoot), the start and the minimum.
  const xs = [0, s1, ...row.path.map((p) => p.w1)];
  const ys = [0, s2, ...row.path.map((p) => p.w2)];
  const span =
    1.15 * Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys), 1e-9);
  const x0 = (Math.max(...xs) + Math.min(...xs)) / 2 - span / 2;
  const y1 = (Math.max(...ys) + Math.min(...ys)) / 2 + span / 2;
  // The raw ravine is ~100× thinner than long: sample across it more finely.
  const gx = GRID;
  const gy = row.scaling === 'raw' ? 3 * GRID : GRID;
  // The grid reaches PAD cells past the frame on every side, so the contour polygons' edges along
  // the grid border fall outside the clipped frame.
  const minLoss = lossAt(q, [s1, s2]);
  const width = gx + 2 * PAD;
  const height = gy + 2 * PAD;
  const values = new Array<number>(width * height);
  for (let j = 0; j < height; j++) {
    const w2 = y1 - ((j - PAD + 0.5) * span) / gy;
    for (let i = 0; i < width; i++) {
      const w1 = x0 + ((i - PAD + 0.5) * span) / gx;
      values[i + j * width] = Math.log10(Math.max(lossAt(q, [w1, w2]) - minLoss, 1e-12));
    }
  }
  const grid = `grid${index}`;
  const path = `path${index}`;
  const shownSteps = count(steps);
  const condition = formatCondition(row.condition);
  const heading =
    row.scaling === 'raw'
      ? row.reached
        ? msg(str`raw features: ${shownSteps} steps (condition ${condition})`)
        : msg(str`raw features: not reached in ${shownSteps} steps (condition ${condition})`)
      : row.reached
        ? msg(str`standardized: ${shownSteps} steps (condition ${condition})`)
        : msg(str`standardized: not reached in ${shownSteps} steps (condition ${condition})`);
  return {
    type: 'group',
    title: { text: heading, fontSize: 12, anchor: 'start' },
    encode: {
      update: { width: { value: SIZE }, height: { value: SIZE }, stroke: { value: '#ccc' } },
    },
    data: [
      {
        name: grid,
        values: [{ width, height, values }],
        transform: [
          {
            type: 'isocontour',
            thresholds: THRESHOLDS,
            scale: { expr: `[${SIZE / gx}, ${SIZE / gy}]` },
            translate: [(-PAD * SIZE) / gx, (-PAD * SIZE) / gy],
          },
        ],
      },
      { name: path, values: row.path },
    ],
    scales: [
      {
        name: 'x',
        type: 'linear',
        domain: [x0, x0 + span],
        range: [0, SIZE],
        zero: false,
        nice: false,
      },
      {
        name: 'y',
        type: 'linear',
        domain: [y1 - span, y1],
        range: [SIZE, 0],
        zero: false,
        nice: false,
      },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'w₁', tickCount: 5, grid: false },
      { orient: 'left', scale: 'y', title: 'w₂', tickCount: 5, grid: false },
    ],
    marks: [
      {
        type: 'shape',
        clip: true,
        interactive: false,
        from: { data: grid },
        encode: {
          update: {
            stroke: { scale: 'level', field: 'contour.value' },
            strokeWidth: { value: 1 },
            fill: { value: null },
          },
        },
        transform: [{ type: 'geoshape', field: 'datum.contour' }],
      },
      {
        type: 'line',
        clip: true,
        from: { data: path },
        encode: {
          update: {
            x: { scale: 'x', field: 'w1' },
            y: { scale: 'y', field: 'w2' },
            stroke: { value: '#e45756' },
            strokeWidth: { value: 1.5 },
          },
        },
      },
      {
        type: 'symbol',
        clip: true,
        from: { data: path },
        encode: {
          update: {
            x: { scale: 'x', field: 'w1' },
            y: { scale: 'y', field: 'w2' },
            size: { value: 14 },
            fill: { value: '#e45756' },
          },
        },
      },
      {
        type: 'symbol',
        encode: {
          update: {
            x: { scale: 'x', value: s1 },
            y: { scale: 'y', value: s2 },
            shape: { value: 'cross' },
            size: { value: 90 },
            fill: { value: '#222' },
          },
        },
      },
    ],
  };
}

function formatCondition(c: number): string {
  return c >= 100 ? c.toExponential(1).replace('e+', '·10^') : c.toFixed(1);
}
