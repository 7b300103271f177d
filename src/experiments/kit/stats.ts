/** Small descriptive statistics for experiment rows (float64, no allocation concerns here). */

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let s = 0;
  for (const v of values) s += v;
  return s / values.length;
}

/** Sample standard deviation (n − 1); 0 for a single value. */
export function std(values: readonly number[]): number {
  if (values.length < 2) return 0;
  const m = mean(values);
  let s = 0;
  for (const v of values) s += (v - m) ** 2;
  return Math.sqrt(s / (values.length - 1));
}

/** Root mean square. */
export function rms(values: readonly number[]): number {
  return Math.sqrt(mean(values.map((v) => v * v)));
}

/** The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (numpy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return Number.NaN;
  // 0 ≤ lo ≤ hi ≤ length − 1 for q in [0, 1].
  const at = q * (sorted.length - 1);
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Least-squares slope of log(y) against log(x): the exponent p of y ∝ x^p. */
export function logLogSlope(xs: readonly number[], ys: readonly number[]): number {
  const lx = xs.map(Math.log);
  const ly = ys.map(Math.log);
  const mx = mean(lx);
  const my = mean(ly);
  let num = 0;
  let den = 0;
  for (let i = 0; i < lx.length; i++) {
    num += (lx[i]! - mx) * (ly[i]! - my);
    den += (lx[i]! - mx) ** 2;
  }
  return num / den;
}

/** Mean, standard deviation and range of one quantity across seeds. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function spread(values: readonly number[]): Spread {
  return {
    mean: mean(values),
    std: std(values),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  };
}

/** Group rows by a key, keeping the first-seen order of the keys. */
export function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = out.get(k);
    if (list) list.push(row);
    else out.set(k, [row]);
  }
  return out;
}

/** Round for JSON output: numbers are the product, 4 significant digits are plenty here. */
export function round(value: number, digits = 4): number {
  return Number.isFinite(value) ? Number(value.toPrecision(digits)) : value;
}
