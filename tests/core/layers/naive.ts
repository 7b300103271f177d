/** Direct, loop-per-index references for the layers' forward passes (float64 sums). */

export function naiveDense(
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | null,
  n: number,
  inF: number,
  outF: number,
): Float64Array {
  const y = new Float64Array(n * outF);
  for (let i = 0; i < n; i++)
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o]! : 0;
      for (let f = 0; f < inF; f++) s += x[i * inF + f]! * w[o * inF + f]!;
      y[i * outF + o] = s;
    }
  return y;
}

/** The 7-loop direct convolution (cross-correlation), NCHW, zero padding. */
export function naiveConv2d(
  x: Float32Array,
  [n, c, h, w]: readonly number[],
  weight: Float32Array,
  bias: Float32Array | null,
  outC: number,
  k: number,
  stride: number,
  pad: number,
): { y: Float64Array; shape: number[] } {
  const ho = Math.floor((h! + 2 * pad - k) / stride) + 1;
  const wo = Math.floor((w! + 2 * pad - k) / stride) + 1;
  const y = new Float64Array(n! * outC * ho * wo);
  for (let b = 0; b < n!; b++)
    for (let o = 0; o < outC; o++)
      for (let oh = 0; oh < ho; oh++)
        for (let ow = 0; ow < wo; ow++) {
          let s = bias ? bias[o]! : 0;
          for (let ci = 0; ci < c!; ci++)
            for (let ki = 0; ki < k; ki++)
              for (let kj = 0; kj < k; kj++) {
                const ih = oh * stride - pad + ki;
                const iw = ow * stride - pad + kj;
                if (ih < 0 || ih >= h! || iw < 0 || iw >= w!) continue;
                s +=
                  x[((b * c! + ci) * h! + ih) * w! + iw]! *
                  weight[((o * c! + ci) * k + ki) * k + kj]!;
              }
          y[((b * outC + o) * ho + oh) * wo + ow] = s;
        }
  return { y, shape: [n!, outC, ho, wo] };
}

/** Largest |a − b| / (1 + |b|). */
export function maxScaledDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++)
    m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}
