import { msg, str } from '@lit/localize';
import { Rng } from '../core/rng.ts';
import { type Dataset, standardize } from '../data/dataset.ts';
import {
  type ErrorSurfaceFinding,
  type ErrorSurfaceRow,
  errorSurfaceFigure,
  type Scaling,
  stepCounts,
} from './error-surface-figure.ts';
import {
  curvatures,
  gradientDescent,
  leastSquares,
  lossAt,
  minimizer,
  type Quadratic,
} from './kit/quadratic.ts';
import { mean, round } from './kit/stats.ts';
import type { Check, Experiment, ExperimentUnit } from './kit/types.ts';
import { count, num } from './kit/words.ts';

export type { ErrorSurfaceFinding, ErrorSurfaceRow, Scaling } from './error-surface-figure.ts';

/** How far apart the two features' scales are. */
export const FEATURE_SCALE = 100;
/** Correlation of the two features (tilts the standardized contours; 0 would make them circles). */
const CORRELATION = 0.5;
const SAMPLES = 500;
const NOISE = 0.1;
/** "The same loss": the start's excess loss over the minimum, divided by 1000. */
const TARGET_FRACTION = 1e-3;
const MAX_STEPS = 1_000_000;

/**
 * Why normalizing inputs speeds up gradient descent: a linear model y ≈ w₁x₁ + w₂x₂ fitted by
 * least squares, x₂ about 100× larger than x₁. Raw, the loss is a long narrow valley (curvatures
 * 10⁴ apart) and even the best constant step crawls along it; z-scored, the contours are nearly
 * round and a few steps suffice. Both start from w = 0, where the loss is the same, and run to
 * the same loss.
 */
export const errorSurface: Experiment<ErrorSurfaceRow, ErrorSurfaceFinding> = {
  name: 'error-surface',
  get title() {
    return msg('Error surface of a two-weight linear model, raw vs standardized features');
  },
  get question() {
    return msg(
      'Why does gradient descent reach a good fit so much faster when the input features are standardized?',
    );
  },
  get answer() {
    return msg(
      'Features on scales 100× apart turn the loss into a long narrow valley that even the best constant step crawls along, while standardized features make it nearly round, so the same loss takes a handful of steps instead of tens of thousands.',
    );
  },
  get reference() {
    return msg(
      'LeCun et al. 1998 (Efficient BackProp) and Ioffe & Szegedy 2015, §2: normalized inputs make the loss better conditioned, so gradient descent converges faster.',
    );
  },
  seeds: () => [1, 2, 3],
  units() {
    const units: ExperimentUnit<ErrorSurfaceRow>[] = [];
    for (const seed of [1, 2, 3]) {
      units.push({ key: `s${seed}`, cost: 1, run: async () => runSeed(seed) });
    }
    return units;
  },
  rowKey: (r) => `s${r.seed}`,
  finding(rows) {
    const by = (s: Scaling) => rows.filter((r) => r.scaling === s);
    // The step counts the figure prints too (stepCounts): whole steps, one computation.
    const counts = stepCounts(rows);
    const meanSteps = counts.mean;
    const meanCondition = {
      raw: round(mean(by('raw').map((r) => r.condition))),
      standardized: round(mean(by('standardized').map((r) => r.condition))),
    };
    const seeds = [...new Set(rows.map((r) => r.seed))];
    const pairs = seeds.map((s) => ({
      raw: rows.find((r) => r.seed === s && r.scaling === 'raw'),
      std: rows.find((r) => r.seed === s && r.scaling === 'standardized'),
    }));
    const checks: Check[] = [
      {
        id: 'standardized-needs-fewer-steps',
        claim: msg(
          'for every data seed, standardized features reach the common loss in fewer gradient steps',
        ),
        holds:
          pairs.length > 0 &&
          pairs.every((p) => p.raw && p.std?.reached && p.std.steps < p.raw.steps),
        measured: msg(
          str`On data seed ${counts.seed} (the figure), gradient descent needs ${count(counts.shown.raw)} steps on raw features and ${count(counts.shown.standardized)} on standardized ones; averaged over ${counts.seeds} seeds, ${count(counts.mean.raw)} and ${count(counts.mean.standardized)}.`,
        ),
        values: {
          rawStepsShownSeed: counts.shown.raw,
          standardizedStepsShownSeed: counts.shown.standardized,
          rawSteps: meanSteps.raw,
          standardizedSteps: meanSteps.standardized,
        },
      },
      {
        id: 'standardized-is-better-conditioned',
        claim: msg(
          'standardizing shrinks the condition number of the loss by orders of magnitude (≥ 100×)',
        ),
        holds: meanCondition.raw >= 100 * meanCondition.standardized,
        measured: msg(
          str`The loss's condition number (largest over smallest curvature) is ${num(meanCondition.raw)} on raw features and ${num(meanCondition.standardized)} on standardized ones, ${num(meanCondition.raw / meanCondition.standardized)}× smaller (mean over ${counts.seeds} seeds).`,
        ),
        values: {
          rawCondition: meanCondition.raw,
          standardizedCondition: meanCondition.standardized,
        },
      },
    ];
    return { meanSteps, meanCondition, checks };
  },
  figure: (result) => errorSurfaceFigure(result),
};

function runSeed(seed: number): ErrorSurfaceRow[] {
  const rng = Rng.stream(seed, 'error-surface');
  const raw = new Float32Array(2 * SAMPLES);
  const y = new Float64Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) {
    const u = rng.normal();
    const v = CORRELATION * u + Math.sqrt(1 - CORRELATION ** 2) * rng.normal();
    raw[2 * i] = u;
    raw[2 * i + 1] = FEATURE_SCALE * v;
    // Both features matter: y = u + v + noise, i.e. w* ≈ (1, 1/100) on the raw features.
    y[i] = u + v + NOISE * rng.normal();
  }
  // The same z-scoring the run config's dataset.standardize applies.
  const z: Dataset = {
    name: 'error-surface',
    x: Float32Array.from(raw),
    y: new Int32Array(SAMPLES),
    count: SAMPLES,
    sampleShape: [2],
    classes: 2,
  };
  const empty: Dataset = { ...z, x: new Float32Array(0), y: new Int32Array(0), count: 0 };
  standardize(z, empty);

  const quadratics: Record<Scaling, Quadratic> = {
    raw: leastSquares(raw, y),
    standardized: leastSquares(z.x, y),
  };
  const start = [0, 0] as const;
  // w = 0 predicts 0 in both parametrizations, so both start at the same loss, ½·mean(y²).
  const startLoss = lossAt(quadratics.raw, start);
  const minLoss = Math.max(...Object.values(quadratics).map((q) => lossAt(q, minimizer(q))));
  const targetLoss = minLoss + TARGET_FRACTION * (startLoss - minLoss);
  return (['raw', 'standardized'] as const).map((scaling) => {
    const q = quadratics[scaling];
    const k = curvatures(q);
    const lr = 2 / (k.max + k.min);
    const descent = gradientDescent(q, { lr, start, targetLoss, maxSteps: MAX_STEPS });
    return {
      scaling,
      seed,
      steps: descent.steps,
      reached: descent.reached,
      lr: round(lr, 6),
      curvatureMax: round(k.max, 6),
      curvatureMin: round(k.min, 6),
      condition: round(k.max / k.min),
      minLoss: round(lossAt(q, minimizer(q)), 8),
      targetLoss: round(targetLoss, 8),
      quadratic: q,
      path: descent.path.map((p) => ({
        step: p.step,
        w1: round(p.w1, 7),
        w2: round(p.w2, 7),
        loss: round(p.loss, 8),
      })),
    };
  });
}
