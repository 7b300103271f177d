/**
 * im2col for one sample: col has C·k·k rows, indexed (c, ki, kj), and Ho·Wo columns (oh, ow):
 *   col[((c·k + ki)·k + kj)·(Ho·Wo) + oh·Wo + ow] = x[c, oh·s − p + ki, ow·s − p + kj]
 * (zero outside the image), so the sample's output is Y[outC × Ho·Wo] = W[outC × C·k·k] · col,
 * already in NCHW order. One sample's columns stay in L2 (conv 16→32 on 14×14: 113 KB).
 */
export interface ConvGeometry {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
  readonly ho: number;
  readonly wo: number;
}

export function convOutSize(size: number, k: number, stride: number, pad: number): number {
  return Math.floor((size + 2 * pad - k) / stride) + 1;
}

/** First output position o with o·s − p + kk ≥ 0. */
function firstValid(kk: number, s: number, p: number): number {
  return Math.max(0, Math.ceil((p - kk) / s));
}

/** One past the last output position o with o·s − p + kk ≤ size − 1 (clamped to [lo, out]). */
function endValid(size: number, out: number, kk: number, s: number, p: number, lo: number): number {
  return Math.max(lo, Math.min(out, Math.floor((size - 1 + p - kk) / s) + 1));
}

/** Columns of the sample starting at x[xOffset] (C·H·W values) into col (C·k·k·Ho·Wo values). */
export function im2col(x: Float32Array, xOffset: number, g: ConvGeometry, col: Float32Array): void {
  const { c, h, w, k, stride: s, pad: p, ho, wo } = g;
  const hw = h * w;
  let o = 0;
  for (let ci = 0; ci < c; ci++) {
    const xBase = xOffset + ci * hw;
    for (let ki = 0; ki < k; ki++) {
      const ohLo = firstValid(ki, s, p);
      const ohHi = endValid(h, ho, ki, s, p, ohLo);
      for (let kj = 0; kj < k; kj++) {
        const owLo = firstValid(kj, s, p);
        const owHi = endValid(w, wo, kj, s, p, owLo);
        for (let oh = 0; oh < ho; oh++, o += wo) {
          if (oh < ohLo || oh >= ohHi) {
            col.fill(0, o, o + wo);
            continue;
          }
          const xRow = xBase + (oh * s - p + ki) * w - p + kj;
          for (let ow = 0; ow < owLo; ow++) col[o + ow] = 0;
          if (s === 1) {
            for (let ow = owLo; ow < owHi; ow++) col[o + ow] = x[xRow + ow]!;
          } else {
            for (let ow = owLo; ow < owHi; ow++) col[o + ow] = x[xRow + ow * s]!;
          }
          for (let ow = owHi; ow < wo; ow++) col[o + ow] = 0;
        }
      }
    }
  }
}

/**
 * The adjoint of im2col for one sample: dx[dxOffset…] (C·H·W values) is overwritten with the sum
 * of the col entries that read each input, in a fixed order (deterministic).
 */
export function col2im(
  col: Float32Array,
  g: ConvGeometry,
  dx: Float32Array,
  dxOffset: number,
): void {
  const { c, h, w, k, stride: s, pad: p, ho, wo } = g;
  const hw = h * w;
  dx.fill(0, dxOffset, dxOffset + c * hw);
  let o = 0;
  for (let ci = 0; ci < c; ci++) {
    const xBase = dxOffset + ci * hw;
    for (let ki = 0; ki < k; ki++) {
      const ohLo = firstValid(ki, s, p);
      const ohHi = endValid(h, ho, ki, s, p, ohLo);
      for (let kj = 0; kj < k; kj++, o += ho * wo) {
        const owLo = firstValid(kj, s, p);
        const owHi = endValid(w, wo, kj, s, p, owLo);
        for (let oh = ohLo; oh < ohHi; oh++) {
          const r = o + oh * wo;
          const xRow = xBase + (oh * s - p + ki) * w - p + kj;
          if (s === 1) {
            for (let ow = owLo; ow < owHi; ow++) dx[xRow + ow] += col[r + ow]!;
          } else {
            for (let ow = owLo; ow < owHi; ow++) dx[xRow + ow * s] += col[r + ow]!;
          }
        }
      }
    }
  }
}
