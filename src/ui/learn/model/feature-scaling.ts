import {
  curvatures,
  type DescentPoint,
  gradientDescent,
  leastSquares,
  lossAt,
  minimizer,
  type Point2,
  type Quadratic,
} from '../../../experiments/kit/quadratic.ts';
import { scaledFeatures, type TwoFeatures } from './two-features.ts';
import { zScore } from './z-score.ts';

/**
 * Step 1's numbers: the least-squares error surface of y ≈ w₁x₁ + w₂x₂ over the two weights, on
 * the raw features (x₂ on `scale`) and on the z-scored ones, and gradient descent from w = 0 on
 * each to the same target loss. Exact quadratics, so the contours are exact ellipses.
 */

/** "The same loss": the start's excess loss over the minimum, divided by 1000 (as the experiment). */
const TARGET_FRACTION = 1e-3;
/** Enough for scale 100 (≈ 2·10⁴ steps) with room; ~1 ms of arithmetic per 10⁵ steps. */
const MAX_STEPS = 1_000_000;
export const START: Point2 = [0, 0];

export interface DescentOnSurface {
  readonly quadratic: Quadratic;
  /** Largest and smallest curvature (eigenvalues of the Hessian). */
  readonly curvatureMax: number;
  readonly curvatureMin: number;
  /**
   * The learning rate used: 2/(λmax + λmin), the constant step with the fastest worst-case
   * convergence on a quadratic; any step at or above 2/λmax diverges.
   */
  readonly lr: number;
  /** 2/λmax: the stability limit of a constant step. */
  readonly lrLimit: number;
  readonly steps: number;
  readonly reached: boolean;
  readonly minimum: Point2;
  readonly path: readonly DescentPoint[];
}

export interface FeatureScaling {
  readonly scale: number;
  readonly targetLoss: number;
  readonly startLoss: number;
  readonly raw: DescentOnSurface;
  readonly standardized: DescentOnSurface;
}

function descend(q: Quadratic, targetLoss: number): DescentOnSurface {
  const k = curvatures(q);
  const lr = 2 / (k.max + k.min);
  const d = gradientDescent(q, { lr, start: START, targetLoss, maxSteps: MAX_STEPS });
  return {
    quadratic: q,
    curvatureMax: k.max,
    curvatureMin: k.min,
    lr,
    lrLimit: 2 / k.max,
    steps: d.steps,
    reached: d.reached,
    minimum: minimizer(q),
    path: d.path,
  };
}

export function featureScaling(data: TwoFeatures, scale: number): FeatureScaling {
  const raw = scaledFeatures(data, scale);
  const z = zScore(raw, data.count, 2);
  const qRaw = leastSquares(raw, data.y);
  const qStd = leastSquares(z, data.y);
  // w = 0 predicts 0 on either surface, so both start at the same loss, ½·mean(y²).
  const startLoss = lossAt(qRaw, START);
  const minLoss = Math.max(lossAt(qRaw, minimizer(qRaw)), lossAt(qStd, minimizer(qStd)));
  const targetLoss = minLoss + TARGET_FRACTION * (startLoss - minLoss);
  return {
    scale,
    targetLoss,
    startLoss,
    raw: descend(qRaw, targetLoss),
    standardized: descend(qStd, targetLoss),
  };
}

/**
 * The contour {w : L(w) = L(w*) + excess} of a quadratic: an ellipse around w* with semi-axes
 * √(2·excess/λ) along the Hessian's eigenvectors, as `points` points (closed by the caller).
 */
export function contour(q: Quadratic, excess: number, points = 72): Point2[] {
  const [m1, m2] = minimizer(q);
  const k = curvatures(q);
  // Direction of the largest curvature (the eigenvector of λmax).
  const angle = 0.5 * Math.atan2(2 * q.a12, q.a11 - q.a22);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const rMax = Math.sqrt((2 * excess) / k.max);
  const rMin = Math.sqrt((2 * excess) / Math.max(k.min, 1e-12));
  const out: Point2[] = [];
  for (let i = 0; i < points; i++) {
    const t = (2 * Math.PI * i) / points;
    const a = rMax * Math.cos(t);
    const b = rMin * Math.sin(t);
    out.push([m1 + a * c - b * s, m2 + a * s + b * c]);
  }
  return out;
}

/** The contour levels drawn: excess losses from the start's down to a thousandth of it. */
export function contourLevels(startExcess: number): number[] {
  return [1, 0.4, 0.15, 0.05, 0.015, 0.004, 0.001].map((f) => f * startExcess);
}
