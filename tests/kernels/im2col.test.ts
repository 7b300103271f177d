import { describe, expect, it } from 'vitest';
import { type ConvGeometry, col2im, convOutSize, im2col } from '../../src/core/kernels/im2col.ts';
import { Rng } from '../../src/core/rng.ts';

function geometry(n: number, c: number, h: number, w: number, k: number, stride: number, pad: number): ConvGeometry {
  return { n, c, h, w, k, stride, pad, ho: convOutSize(h, k, stride, pad), wo: convOutSize(w, k, stride, pad) };
}

/** Direct definition of the column matrix. */
function naiveIm2col(x: Float32Array, g: ConvGeometry): Float32Array {
  const cols = g.n * g.ho * g.wo;
  const col = new Float32Array(g.c * g.k * g.k * cols);
  for (let c = 0; c < g.c; c++)
    for (let ki = 0; ki < g.k; ki++)
      for (let kj = 0; kj < g.k; kj++)
        for (let n = 0; n < g.n; n++)
          for (let oh = 0; oh < g.ho; oh++)
            for (let ow = 0; ow < g.wo; ow++) {
              const ih = oh * g.stride - g.pad + ki;
              const iw = ow * g.stride - g.pad + kj;
              const inside = ih >= 0 && ih < g.h && iw >= 0 && iw < g.w;
              col[((c * g.k + ki) * g.k + kj) * cols + (n * g.ho + oh) * g.wo + ow] = inside
                ? x[((n * g.c + c) * g.h + ih) * g.w + iw]!
                : 0;
            }
  return col;
}

const CONFIGS: [number, number, number, number, number, number, number][] = [
  // n, c, h, w, k, stride, pad
  [2, 3, 5, 5, 3, 1, 1],
  [1, 2, 7, 6, 3, 2, 1],
  [3, 1, 4, 4, 1, 1, 0],
  [2, 2, 6, 7, 3, 2, 0],
  [1, 1, 3, 3, 3, 1, 2],
  [2, 2, 8, 8, 2, 3, 1],
  [0, 2, 5, 5, 3, 1, 1],
];

describe('im2col / col2im', () => {
  it.each(CONFIGS)('im2col matches the definition (n=%i c=%i %i×%i k=%i s=%i p=%i)', (n, c, h, w, k, s, p) => {
    const g = geometry(n, c, h, w, k, s, p);
    const x = Rng.stream(1, 'x').fillNormal(new Float32Array(n * c * h * w));
    const col = new Float32Array(c * k * k * n * g.ho * g.wo).fill(Number.NaN);
    im2col(x, g, col);
    expect([...col]).toEqual([...naiveIm2col(x, g)]);
  });

  it.each(CONFIGS)('col2im is the adjoint of im2col (n=%i c=%i %i×%i k=%i s=%i p=%i)', (n, c, h, w, k, s, p) => {
    // ⟨im2col(x), v⟩ = ⟨x, col2im(v)⟩ for all x, v; with x an indicator this checks every entry.
    const g = geometry(n, c, h, w, k, s, p);
    const rng = Rng.stream(2, 'v');
    const v = rng.fillNormal(new Float32Array(c * k * k * n * g.ho * g.wo));
    const dx = new Float32Array(n * c * h * w).fill(Number.NaN);
    col2im(v, g, dx);
    const expected = new Float64Array(dx.length);
    const e = new Float32Array(dx.length);
    for (let i = 0; i < dx.length; i++) {
      e.fill(0);
      e[i] = 1;
      const col = naiveIm2col(e, g);
      let dot = 0;
      for (let j = 0; j < col.length; j++) dot += col[j]! * v[j]!;
      expected[i] = dot;
    }
    for (let i = 0; i < dx.length; i++) expect(dx[i]).toBeCloseTo(expected[i]!, 5);
  });
});
