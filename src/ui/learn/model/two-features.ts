import { Rng } from '../../../core/rng.ts';

/**
 * The small seeded data set of steps 1 and 2: two correlated input features u, v (standard
 * normal, correlation 0.5) and a target y = u + v + noise. The second feature is shown on a
 * scale of its own (`x₂ = scale·v`), the first stays on scale 1.
 */
export interface TwoFeatures {
  readonly count: number;
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly y: Float64Array;
}

export const TWO_FEATURE_SAMPLES = 200;
const CORRELATION = 0.5;
const NOISE = 0.1;

export function makeTwoFeatures(seed = 1, count = TWO_FEATURE_SAMPLES): TwoFeatures {
  const rng = Rng.stream(seed, 'learn/two-features');
  const u = new Float64Array(count);
  const v = new Float64Array(count);
  const y = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const a = rng.normal();
    const b = CORRELATION * a + Math.sqrt(1 - CORRELATION ** 2) * rng.normal();
    u[i] = a;
    v[i] = b;
    y[i] = a + b + NOISE * rng.normal();
  }
  return { count, u, v, y };
}

/** The features as the model sees them, n × 2 row-major: x₁ = u (scale 1), x₂ = scale·v. */
export function scaledFeatures(data: TwoFeatures, scale: number): Float64Array {
  const x = new Float64Array(2 * data.count);
  for (let i = 0; i < data.count; i++) {
    x[2 * i] = data.u[i]!;
    x[2 * i + 1] = scale * data.v[i]!;
  }
  return x;
}
