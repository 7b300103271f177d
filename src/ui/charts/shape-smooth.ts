/** The largest smoothing weight: at 1 the curve would never move from its first value. */
export const MAX_SMOOTHING = 0.99;

/**
 * Exponential moving average of a column, debiased like TensorBoard's smoothing: with weight w,
 * s_n = w·s_{n−1} + (1 − w)·x_n, divided by (1 − wⁿ) so the first points are not pulled towards 0.
 * Nulls (steps where the series has no value) stay null and do not advance the average.
 * Weight 0 returns the values as they are; the weight is clamped to [0, MAX_SMOOTHING].
 */
export function emaSmooth(column: readonly (number | null)[], weight: number): (number | null)[] {
  const w = Number.isFinite(weight) ? Math.min(MAX_SMOOTHING, Math.max(0, weight)) : 0;
  const out = new Array<number | null>(column.length).fill(null);
  let sum = 0;
  let decay = 1; // wⁿ after n present values
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    sum = w * sum + (1 - w) * v;
    decay *= w;
    out[i] = w === 0 ? v : sum / (1 - decay);
  }
  return out;
}
