import { describe, expect, it } from 'vitest';
import { type ConvGeometry, convOutSize, Im2col } from '../../../src/core/kernels/im2col.ts';
import { Rng } from '../../../src/core/rng.ts';

function geometry(
  c: number,
  h: number,
  w: number,
  k: number,
  stride: number,
  pad: number,
): ConvGeometry {
  return {
    c,
    h,
    w,
    k,
    stride,
    pad,
    ho: convOutSize(h, k, stride, pad),
    wo: convOutSize(w, k, stride, pad),
  };
}

/** Direct definition of one sample's column matrix; the sample starts at x[offset]. */
function naiveIm2col(x: Float32Array, offset: number, g: ConvGeometry): Float32Array {
  const cols = g.ho * g.wo;
  const col = new Float32Array(g.c * g.k * g.k * cols);
  for (let c = 0; c < g.c; c++)
    for (let ki = 0; ki < g.k; ki++)
      for (let kj = 0; kj < g.k; kj++)
        for (let oh = 0; oh < g.ho; oh++)
          for (let ow = 0; ow < g.wo; ow++) {
            const ih = oh * g.stride - g.pad + ki;
            const iw = ow * g.stride - g.pad + kj;
            const inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
            col[((c * g.k + ki) * g.k + kj) * cols + oh * g.wo + ow] = inside
              ? x[offset + (c * g.h + ih) * g.w + iw]!
              : 0;
          }
  return col;
}

const CONFIGS: [number, number, number, number, number, number][] = [
  // c, h, w, k, stride, pad
  [3, 5, 5, 3, 1, 1],
  [2, 7, 6, 3, 2, 1],
  [1, 4, 4, 1, 1, 0],
  [2, 6, 7, 3, 2, 0],
  [1, 3, 3, 3, 1, 2],
  [2, 8, 8, 2, 3, 1],
];

describe('im2col / col2im (one sample of a batch)', () => {
  it.each(CONFIGS)(
    'im2col matches the definition (c=%i %i×%i k=%i s=%i p=%i)',
    (c, h, w, k, s, p) => {
      const g = geometry(c, h, w, k, s, p);
      const size = c * h * w;
      // Three samples; take the middle one to exercise the offset.
      const x = Rng.stream(1, 'x').fillNormal(new Float32Array(3 * size));
      const plan = new Im2col(g);
      const col = new Float32Array(c * k * k * g.ho * g.wo).fill(Number.NaN);
      plan.im2col(x, size, col);
      expect([...col]).toEqual([...naiveIm2col(x, size, g)]);
      // The plan is reusable: a second sample through the same plan.
      plan.im2col(x, 2 * size, col);
      expect([...col]).toEqual([...naiveIm2col(x, 2 * size, g)]);
    },
  );

  it.each(CONFIGS)(
    'col2im is the adjoint of im2col (c=%i %i×%i k=%i s=%i p=%i)',
    (c, h, w, k, s, p) => {
      // ⟨im2col(x), v⟩ = ⟨x, col2im(v)⟩ for all x, v; with x an indicator this checks every entry.
      const g = geometry(c, h, w, k, s, p);
      const size = c * h * w;
      const plan = new Im2col(g);
      // One spare entry: col2im's zero slot (col2im sets it, so this NaN must not leak).
      const v = Rng.stream(2, 'v').fillNormal(new Float32Array(plan.colSize + 1));
      v[plan.colSize] = Number.NaN;
      const dx = new Float32Array(3 * size).fill(Number.NaN);
      plan.col2im(v, dx, size);
      expect(() => plan.col2im(new Float32Array(plan.colSize), dx, 0)).toThrow(/col2im/);
      expect(dx.subarray(0, size).every(Number.isNaN)).toBe(true);
      expect(dx.subarray(2 * size).every(Number.isNaN)).toBe(true);
      const e = new Float32Array(size);
      for (let i = 0; i < size; i++) {
        e.fill(0);
        e[i] = 1;
        const col = naiveIm2col(e, 0, g);
        let dot = 0;
        for (let j = 0; j < col.length; j++) dot += col[j]! * v[j]!;
        expect(dx[size + i]).toBeCloseTo(dot, 5);
      }
    },
  );
});
