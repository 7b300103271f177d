import { HIGH_HALF, JOIN_LOW_HALVES, NEG_ZERO_F64X2 } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/** Rows of `out` per tile and f32x4 vectors of columns per tile: out is padded to whole tiles. */
export const SEG_ROWS = 4;
export const SEG_VECTORS = 2;

/**
 * segmentSums(dy, x, off, segs, rowsPad, colsPad, out), addresses in bytes:
 *
 *   out[o, j] = f32( Σ_k f64( Σ_{n ∈ segment k} dy[n, o]·x[n, j] ) )
 *
 * the weight gradient of a layer whose batch holds several devices' samples (segment k is samples
 * off[k] … off[k+1] − 1, off an i32 array of segs + 1 entries): each device's gradient is a float32
 * sum over its own samples in increasing n, starting from +0, with every product and sum rounded
 * to float32 (exactly the GEMM's arithmetic), and the devices' gradients are added in float64 in
 * device order starting from the first (from −0, which leaves it unchanged) and rounded once (the
 * all-reduce's `sumInOrder`). So the result has the bits of each device's own product summed by the
 * all-reduce, whichever way the devices are spread over workers, without ever writing a per-device
 * gradient to memory: a tile of `out` keeps its device sums (f32x4) and totals (f64x2) in locals
 * while it walks the samples.
 *
 * dy is [n, rowsPad] and x and out are [n, colsPad] and [rowsPad, colsPad], row-major, rowsPad a
 * multiple of R and colsPad of 4·V (callers pad with zeros; padded lanes compute values nobody
 * reads). R × 4V tiles (4 × 8 by default: eight f32x4 device sums and sixteen f64x2 totals, the
 * totals touched once per device) measured fastest of the shapes tried.
 */
export function segmentSumsFn(R = SEG_ROWS, V = SEG_VECTORS): FuncBuilder {
  const f = new FuncBuilder('segmentSums', 7);
  const [dy, x, off, segs, rowsPad, colsPad, out] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const o = f.local('i32');
  const j = f.local('i32');
  const rowBytes = f.local('i32');
  const xPitch = f.local('i32');
  const dyPitch = f.local('i32');
  const kp = f.local('i32');
  const kEnd = f.local('i32');
  const xa = f.local('i32');
  const xEnd = f.local('i32');
  const da = f.local('i32');
  const n0 = f.local('i32');
  // acc[(r·V + v)·2 + h]: row r, vector v, f32 lanes 2h, 2h+1 as float64.
  const acc: Local[] = [];
  for (let i = 0; i < 2 * R * V; i++) acc.push(f.local('v128'));
  const p: Local[] = [];
  for (let i = 0; i < R * V; i++) p.push(f.local('v128'));
  const xv: Local[] = [];
  for (let i = 0; i < V; i++) xv.push(f.local('v128'));
  const splat = f.local('v128');

  f.get(colsPad).i32(2).i32Shl().tee(xPitch).set(rowBytes);
  f.get(rowsPad).i32(2).i32Shl().set(dyPitch);
  f.get(off).get(segs).i32(2).i32Shl().i32Add().set(kEnd);

  f.i32(0).set(o);
  f.block().loop();
  f.get(o).get(rowsPad).i32GeU().brIf(1);
  f.i32(0).set(j);
  f.block().loop();
  f.get(j).get(rowBytes).i32GeU().brIf(1);

  for (const a of acc) f.v128Const(NEG_ZERO_F64X2).set(a);
  f.get(off).set(kp);
  f.block().loop();
  f.get(kp).get(kEnd).i32GeU().brIf(1);
  for (const v of p) f.v128Zero().set(v);
  // xa = x + off[k]·xPitch + j, xEnd = x + off[k+1]·xPitch + j, da = dy + off[k]·dyPitch + 4·o
  f.get(kp).i32Load(0).set(n0);
  f.get(x).get(n0).get(xPitch).i32Mul().i32Add().get(j).i32Add().set(xa);
  f.get(x).get(kp).i32Load(4).get(xPitch).i32Mul().i32Add().get(j).i32Add().set(xEnd);
  f.get(dy).get(n0).get(dyPitch).i32Mul().i32Add().get(o).i32(2).i32Shl().i32Add().set(da);
  f.block().loop();
  f.get(xa).get(xEnd).i32GeU().brIf(1);
  for (let v = 0; v < V; v++)
    f.get(xa)
      .v128Load(16 * v)
      .set(xv[v]!);
  for (let r = 0; r < R; r++) {
    f.get(da)
      .v128Load32Splat(4 * r)
      .set(splat);
    for (let v = 0; v < V; v++) {
      const pr = p[r * V + v]!;
      f.get(pr).get(splat).get(xv[v]!).f32x4Mul().f32x4Add().set(pr);
    }
  }
  f.incBy(xa, xPitch).incBy(da, dyPitch);
  f.br(0);
  f.end().end();
  // This device's sums, lanes 0–1 and 2–3, added to the float64 totals.
  for (let i = 0; i < R * V; i++) {
    f.get(acc[2 * i]!)
      .get(p[i]!)
      .f64x2PromoteLowF32x4()
      .f64x2Add()
      .set(acc[2 * i]!);
    f.get(acc[2 * i + 1]!)
      .get(p[i]!)
      .get(p[i]!)
      .i8x16Shuffle(HIGH_HALF)
      .f64x2PromoteLowF32x4()
      .f64x2Add()
      .set(acc[2 * i + 1]!);
  }
  f.inc(kp, 4).br(0);
  f.end().end();

  for (let r = 0; r < R; r++) {
    for (let v = 0; v < V; v++) {
      // out + (o + r)·rowBytes + j + 16·v
      f.get(out).get(o).i32(r).i32Add().get(rowBytes).i32Mul().i32Add().get(j).i32Add();
      const i = r * V + v;
      f.get(acc[2 * i]!)
        .f32x4DemoteF64x2Zero()
        .get(acc[2 * i + 1]!)
        .f32x4DemoteF64x2Zero()
        .i8x16Shuffle(JOIN_LOW_HALVES)
        .v128Store(16 * v);
    }
  }
  f.inc(j, 16 * V).br(0);
  f.end().end();
  f.inc(o, R).br(0);
  f.end().end();
  return f;
}
