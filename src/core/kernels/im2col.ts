/**
 * im2col / col2im for one sample through precomputed index maps.
 *
 * Columns: C·k·k rows indexed (c, ki, kj), Ho·Wo columns indexed (oh, ow):
 *   col[((c·k + ki)·k + kj)·(Ho·Wo) + oh·Wo + ow] = x[c, oh·s − p + ki, ow·s − p + kj]
 * (zero outside the image), so a sample's output is W[outC × C·k·k] · col, already NCHW.
 *
 * Both directions are single flat gather loops with no branches: im2col reads a zero-bordered
 * copy of the sample, and col2im gives each input the sum of its (at most k²) column entries,
 * with missing ones pointing at a zero slot. Short image rows made the straightforward row loops
 * 2× slower (loop overhead per 14-wide row), and a scatter-add col2im no faster than those.
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

export class Im2col {
  /** Entries of one sample's columns: C·k·k·Ho·Wo. */
  readonly colSize: number;
  /** Padded height and width, H + 2p and W + 2p. */
  readonly hp: number;
  readonly wp: number;
  /** Zero-bordered sample, [C, hp, wp]. */
  private readonly padded: Float32Array;
  /** For each column entry, its source in the padded sample. */
  readonly gatherIndex: Int32Array;
  /** For each input entry, its k² column entries in (ki, kj) order; colSize = none. */
  readonly scatterIndex: Int32Array;
  private readonly kk: number;

  constructor(readonly g: ConvGeometry) {
    const { c, h, w, k, stride: s, pad: p, ho, wo } = g;
    this.hp = h + 2 * p;
    this.wp = w + 2 * p;
    this.kk = k * k;
    this.colSize = c * k * k * ho * wo;
    this.padded = new Float32Array(c * this.hp * this.wp);
    this.gatherIndex = new Int32Array(this.colSize);
    this.scatterIndex = new Int32Array(c * h * w * this.kk).fill(this.colSize);
    let e = 0;
    for (let ci = 0; ci < c; ci++) {
      for (let ki = 0; ki < k; ki++) {
        for (let kj = 0; kj < k; kj++) {
          for (let oh = 0; oh < ho; oh++) {
            for (let ow = 0; ow < wo; ow++, e++) {
              const ph = oh * s + ki;
              const pw = ow * s + kj;
              this.gatherIndex[e] = (ci * this.hp + ph) * this.wp + pw;
              const ih = ph - p;
              const iw = pw - p;
              if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                this.scatterIndex[((ci * h + ih) * w + iw) * this.kk + ki * k + kj] = e;
              }
            }
          }
        }
      }
    }
  }

  /** Columns of the sample at x[xOffset…] (C·H·W values) into col[0…colSize). */
  im2col(x: Float32Array, xOffset: number, col: Float32Array): void {
    const { c, h, w, pad: p } = this.g;
    const padded = this.padded;
    const wp = this.wp;
    for (let ci = 0; ci < c; ci++) {
      for (let ih = 0; ih < h; ih++) {
        const src = xOffset + (ci * h + ih) * w;
        const dst = (ci * this.hp + ih + p) * wp + p;
        for (let iw = 0; iw < w; iw++) padded[dst + iw] = x[src + iw]!;
      }
    }
    const idx = this.gatherIndex;
    const n = this.colSize;
    for (let e = 0; e < n; e++) col[e] = padded[idx[e]!]!;
  }

  /**
   * The adjoint: dx[dxOffset…] (C·H·W values) = for each input, the float64 sum of the column
   * entries that read it, in (ki, kj) order. `dcol` needs colSize + 1 entries; the last is set
   * to 0 here and stands in for the entries a padded or strided input never feeds.
   */
  col2im(dcol: Float32Array, dx: Float32Array, dxOffset: number): void {
    if (dcol.length <= this.colSize) {
      throw new Error(`col2im: dcol needs ${this.colSize + 1} entries, has ${dcol.length}`);
    }
    dcol[this.colSize] = 0;
    const idx = this.scatterIndex;
    const kk = this.kk;
    const n = this.g.c * this.g.h * this.g.w;
    if (kk === 9) {
      for (let i = 0, t = 0; i < n; i++, t += 9) {
        dx[dxOffset + i] =
          dcol[idx[t]!]! +
          dcol[idx[t + 1]!]! +
          dcol[idx[t + 2]!]! +
          dcol[idx[t + 3]!]! +
          dcol[idx[t + 4]!]! +
          dcol[idx[t + 5]!]! +
          dcol[idx[t + 6]!]! +
          dcol[idx[t + 7]!]! +
          dcol[idx[t + 8]!]!;
      }
      return;
    }
    // Starting from the first term (not 0) keeps −0 sums −0, as the unrolled path and WASM do.
    for (let i = 0, t = 0; i < n; i++) {
      let s = dcol[idx[t++]!]!;
      for (let j = 1; j < kk; j++, t++) s += dcol[idx[t]!]!;
      dx[dxOffset + i] = s;
    }
  }
}
