/**
 * im2col for a batch, laid out for one big GEMM: col has C·k·k rows, indexed (c, ki, kj), and
 * N·Ho·Wo columns, indexed (n, oh, ow):
 *   col[((c·k + ki)·k + kj)·(N·Ho·Wo) + (n·Ho + oh)·Wo + ow] = x[n, c, oh·s − p + ki, ow·s − p + kj]
 * (zero outside the image). Then Y'[outC × N·Ho·Wo] = W[outC × C·k·k] · col.
 */
export interface ConvGeometry {
  readonly n: number;
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

/** The range [lo, hi) of output positions o whose input position o·s − p + kk lies in [0, size). */
function validRange(size: number, out: number, kk: number, s: number, p: number): [number, number] {
  // o·s − p + kk ≥ 0  ⇔  o ≥ (p − kk) / s;   o·s − p + kk ≤ size − 1  ⇔  o ≤ (size − 1 + p − kk) / s
  const lo = Math.max(0, Math.ceil((p - kk) / s));
  const hi = Math.min(out, Math.floor((size - 1 + p - kk) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

export function im2col(x: Float32Array, g: ConvGeometry, col: Float32Array): void {
  const { n, c, h, w, k, stride: s, pad: p, ho, wo } = g;
  const cols = n * ho * wo;
  const hw = h * w;
  for (let ci = 0; ci < c; ci++) {
    for (let ki = 0; ki < k; ki++) {
      const [ohLo, ohHi] = validRange(h, ho, ki, s, p);
      for (let kj = 0; kj < k; kj++) {
        const [owLo, owHi] = validRange(w, wo, kj, s, p);
        const row = ((ci * k + ki) * k + kj) * cols;
        for (let ni = 0; ni < n; ni++) {
          const xBase = (ni * c + ci) * hw;
          let o = row + ni * ho * wo;
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
}

/** The adjoint of im2col: dx = Σ over the col entries that read each input (dx overwritten). */
export function col2im(col: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  const { n, c, h, w, k, stride: s, pad: p, ho, wo } = g;
  const cols = n * ho * wo;
  const hw = h * w;
  dx.fill(0, 0, n * c * hw);
  for (let ci = 0; ci < c; ci++) {
    for (let ki = 0; ki < k; ki++) {
      const [ohLo, ohHi] = validRange(h, ho, ki, s, p);
      for (let kj = 0; kj < k; kj++) {
        const [owLo, owHi] = validRange(w, wo, kj, s, p);
        const row = ((ci * k + ki) * k + kj) * cols;
        for (let ni = 0; ni < n; ni++) {
          const xBase = (ni * c + ci) * hw;
          const o0 = row + ni * ho * wo;
          for (let oh = ohLo; oh < ohHi; oh++) {
            const o = o0 + oh * wo;
            const xRow = xBase + (oh * s - p + ki) * w - p + kj;
            if (s === 1) {
              for (let ow = owLo; ow < owHi; ow++) dx[xRow + ow] += col[o + ow]!;
            } else {
              for (let ow = owLo; ow < owHi; ow++) dx[xRow + ow * s] += col[o + ow]!;
            }
          }
        }
      }
    }
  }
}
