import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * Batch norm's passes over activations in WebAssembly, each the JS loop of src/core/norm op for
 * op: every float32 value widened exactly, the same float64 operations in the same order, results
 * rounded once. SIMD only where lanes are independent values (the elementwise passes); the sums
 * keep each channel's sequential order and gain their speed from running several channels' chains
 * at once (independent accumulators instead of one add latency per value).
 *
 * A "row" is the `spatial` contiguous values of one sample and channel (NCHW; spatial 1 for
 * [N, C]). Addresses are in bytes.
 */

/** f32 lanes 2 and 3 moved to lanes 0 and 1, for promote_low. */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** f32 lanes 0, 1 of a and 0, 1 of b: two demoted f64x2 pairs joined into one f32x4. */
const JOIN_LOW_HALVES = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** Bytes of one row's parameters (four float64 values, the last unused by some kernels). */
export const BN_ROW_PARAM_BYTES = 32;

/**
 * An elementwise pass over `rows` rows of `spatial` values: four at a time as two f64x2 halves,
 * then the row's remainder one at a time. `body4(half)` computes lane pairs from promoted values,
 * `body1()` the scalar remainder; both read the row's parameters prepared by `loadParams`.
 */
function rowwise(
  f: FuncBuilder,
  rows: Local,
  spatial: Local,
  params: Local,
  loadParams: () => void,
  body4: (i: Local) => void,
  body1: (i: Local) => void,
): void {
  const r = f.local('i32');
  const i = f.local('i32');
  const end4 = f.local('i32');
  const end = f.local('i32');
  f.i32(0).set(r).i32(0).set(i);
  f.block().loop();
  f.get(r).get(rows).i32GeU().brIf(1);
  loadParams();
  // end4 = i + 4·(spatial & ~3), end = i + 4·spatial
  f.get(i).get(spatial).i32(-4).i32And().i32(2).i32Shl().i32Add().set(end4);
  f.get(i).get(spatial).i32(2).i32Shl().i32Add().set(end);
  f.block().loop();
  f.get(i).get(end4).i32GeU().brIf(1);
  body4(i);
  f.inc(i, 16).br(0);
  f.end().end();
  f.block().loop();
  f.get(i).get(end).i32GeU().brIf(1);
  body1(i);
  f.inc(i, 4).br(0);
  f.end().end();
  f.inc(params, BN_ROW_PARAM_BYTES).inc(r, 1).br(0);
  f.end().end();
}

/** Widens f32 lanes 0–1 (half 0) or 2–3 (half 1) of `v` to an f64x2 on the stack. */
function promoteHalf(f: FuncBuilder, v: Local, half: number): void {
  f.get(v);
  if (half === 1) f.get(v).i8x16Shuffle(HIGH_HALF);
  f.f64x2PromoteLowF32x4();
}

/** Rounds two f64x2 locals to float32 and joins them into one f32x4 on the stack. */
function demoteJoin(f: FuncBuilder, lo: Local, hi: Local): void {
  f.get(lo).f32x4DemoteF64x2Zero().get(hi).f32x4DemoteF64x2Zero().i8x16Shuffle(JOIN_LOW_HALVES);
}

/**
 * bnNormalize(x, xhat, y, params, rows, spatial): per row r with params (mean, invstd, scale,
 * shift) at params + 32·r, for each value
 *   h = (x − mean)·invstd;  xhat = f32(h);  y = f32(scale·h + shift)
 * (normalize.ts applyNormalization; y from the unrounded h).
 */
export function bnNormalizeFn(): FuncBuilder {
  const f = new FuncBuilder('bnNormalize', 6);
  const [x, xhat, y, params, rows, spatial] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const mu = f.local('v128');
  const is = f.local('v128');
  const a = f.local('v128');
  const b = f.local('v128');
  const v = f.local('v128');
  const h: Local[] = [f.local('v128'), f.local('v128')];
  const o: Local[] = [f.local('v128'), f.local('v128')];
  const mu1 = f.local('f64');
  const is1 = f.local('f64');
  const a1 = f.local('f64');
  const b1 = f.local('f64');
  const h1 = f.local('f64');
  rowwise(
    f,
    rows,
    spatial,
    params,
    () => {
      f.get(params).v128Load64Splat(0).set(mu).get(params).v128Load64Splat(8).set(is);
      f.get(params).v128Load64Splat(16).set(a).get(params).v128Load64Splat(24).set(b);
      f.get(params).f64Load(0).set(mu1).get(params).f64Load(8).set(is1);
      f.get(params).f64Load(16).set(a1).get(params).f64Load(24).set(b1);
    },
    (i) => {
      f.get(x).get(i).i32Add().v128Load(0).set(v);
      for (let half = 0; half < 2; half++) {
        promoteHalf(f, v, half);
        f.get(mu).f64x2Sub().get(is).f64x2Mul().set(h[half]!);
        f.get(a).get(h[half]!).f64x2Mul().get(b).f64x2Add().set(o[half]!);
      }
      f.get(xhat).get(i).i32Add();
      demoteJoin(f, h[0]!, h[1]!);
      f.v128Store(0);
      f.get(y).get(i).i32Add();
      demoteJoin(f, o[0]!, o[1]!);
      f.v128Store(0);
    },
    (i) => {
      f.get(x).get(i).i32Add().f32Load().f64PromoteF32().get(mu1).f64Sub().get(is1).f64Mul();
      f.set(h1);
      f.get(xhat).get(i).i32Add().get(h1).f32DemoteF64().f32Store();
      f.get(y).get(i).i32Add().get(a1).get(h1).f64Mul().get(b1).f64Add().f32DemoteF64();
      f.f32Store();
    },
  );
  return f;
}

/**
 * bnInputGradient(dy, xhat, out, params, rows, spatial): per row r with params (k, meanDy,
 * meanDyXhat) at params + 32·r, for each value
 *   out = f32(k·((dy − meanDy) − xhat·meanDyXhat))
 * (input-gradient.ts computeInputGradient, k = scale·invstd).
 */
export function bnInputGradientFn(): FuncBuilder {
  const f = new FuncBuilder('bnInputGradient', 6);
  const [dy, xhat, out, params, rows, spatial] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const k = f.local('v128');
  const mDy = f.local('v128');
  const mDx = f.local('v128');
  const dv = f.local('v128');
  const hv = f.local('v128');
  const o: Local[] = [f.local('v128'), f.local('v128')];
  const k1 = f.local('f64');
  const mDy1 = f.local('f64');
  const mDx1 = f.local('f64');
  rowwise(
    f,
    rows,
    spatial,
    params,
    () => {
      f.get(params).v128Load64Splat(0).set(k).get(params).v128Load64Splat(8).set(mDy);
      f.get(params).v128Load64Splat(16).set(mDx);
      f.get(params).f64Load(0).set(k1).get(params).f64Load(8).set(mDy1);
      f.get(params).f64Load(16).set(mDx1);
    },
    (i) => {
      f.get(dy).get(i).i32Add().v128Load(0).set(dv);
      f.get(xhat).get(i).i32Add().v128Load(0).set(hv);
      for (let half = 0; half < 2; half++) {
        f.get(k);
        promoteHalf(f, dv, half);
        f.get(mDy).f64x2Sub();
        promoteHalf(f, hv, half);
        f.get(mDx).f64x2Mul().f64x2Sub().f64x2Mul().set(o[half]!);
      }
      f.get(out).get(i).i32Add();
      demoteJoin(f, o[0]!, o[1]!);
      f.v128Store(0);
    },
    (i) => {
      f.get(out).get(i).i32Add();
      f.get(k1);
      f.get(dy).get(i).i32Add().f32Load().f64PromoteF32().get(mDy1).f64Sub();
      f.get(xhat).get(i).i32Add().f32Load().f64PromoteF32().get(mDx1).f64Mul();
      f.f64Sub().f64Mul().f32DemoteF64().f32Store();
    },
  );
  return f;
}

/** Channel blocks the sums run at once: as many chains as fit, then fewer for the remainder. */
const CHAIN_TIERS = [8, 4, 1] as const;

/**
 * bnMoments(x, channels, spatial, n0, n1, out): for each channel c of samples [n0, n1) (n1 > n0),
 *   sum = Σ_n Σ_s x (from 0, n then s ascending);  mean = sum / ((n1 − n0)·spatial)
 *   m2 = Σ_n Σ_s (x − mean)² (same order)
 * written as float64 (mean, m2) at out + 16·c (local-moments.ts computeLocalMoments). Each
 * channel's two sums are sequential; up to eight channels' chains run side by side.
 */
export function bnMomentsFn(): FuncBuilder {
  return channelChainsFn('bnMoments', true);
}

/**
 * channelSums(x, channels, spatial, n0, n1, out): for each channel c of samples [n0, n1),
 *   Σ_n Σ_s x in float64 (from 0, n then s ascending), written at out + 8·c
 * (a convolution's bias gradient, conv2d.ts backwardSamples; 0 for an empty range).
 */
export function channelSumsFn(): FuncBuilder {
  return channelChainsFn('channelSums', false);
}

/** bnMoments (withM2) or channelSums: per-channel float64 chains over rows of NCHW data. */
function channelChainsFn(exportName: string, withM2: boolean): FuncBuilder {
  const f = new FuncBuilder(exportName, 6);
  const [x, channels, spatial, n0, n1, out] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const c = f.local('i32');
  const n = f.local('i32');
  const q = f.local('i32');
  const qEnd = f.local('i32');
  const rowBytes = f.local('i32');
  const count = f.local('f64');
  const width = Math.max(...CHAIN_TIERS);
  const offs: Local[] = [];
  for (let j = 0; j < width; j++) offs.push(f.local('i32'));
  const acc: Local[] = [];
  const mean: Local[] = [];
  for (let j = 0; j < width; j++) acc.push(f.local('f64'));
  for (let j = 0; j < width; j++) mean.push(f.local('f64'));
  const d = f.local('f64');

  f.get(spatial).i32(2).i32Shl().set(rowBytes);
  for (let j = 0; j < width; j++) f.get(rowBytes).i32(j).i32Mul().set(offs[j]!);
  f.get(n1).get(n0).i32Sub().get(spatial).i32Mul().f64ConvertI32U().set(count);

  // Loops n over the samples and q over one row of channel c (value j of the block at q + offs[j]).
  const overValues = (body: () => void): void => {
    f.get(n0).set(n);
    f.block().loop();
    f.get(n).get(n1).i32GeU().brIf(1);
    // q = x + (n·channels + c)·rowBytes
    f.get(x).get(n).get(channels).i32Mul().get(c).i32Add().get(rowBytes).i32Mul().i32Add();
    f.tee(q).get(rowBytes).i32Add().set(qEnd);
    f.block().loop();
    f.get(q).get(qEnd).i32GeU().brIf(1);
    body();
    f.inc(q, 4).br(0);
    f.end().end();
    f.inc(n, 1).br(0);
    f.end().end();
  };
  const load = (j: number): void => {
    f.get(q);
    if (j > 0) f.get(offs[j]!).i32Add();
    f.f32Load().f64PromoteF32();
  };

  f.i32(0).set(c);
  for (const tier of CHAIN_TIERS) {
    f.block().loop();
    // while c + tier ≤ channels
    f.get(c).i32(tier).i32Add().get(channels).i32GtS().brIf(1);
    for (let j = 0; j < tier; j++) f.f64Const0().set(acc[j]!);
    overValues(() => {
      for (let j = 0; j < tier; j++) {
        f.get(acc[j]!);
        load(j);
        f.f64Add().set(acc[j]!);
      }
    });
    if (withM2) {
      for (let j = 0; j < tier; j++) {
        f.get(acc[j]!).get(count).f64Div().set(mean[j]!);
        f.f64Const0().set(acc[j]!);
      }
      overValues(() => {
        for (let j = 0; j < tier; j++) {
          load(j);
          f.get(mean[j]!).f64Sub().tee(d).get(d).f64Mul();
          f.get(acc[j]!).f64Add().set(acc[j]!);
        }
      });
      for (let j = 0; j < tier; j++) {
        // out + 16·(c + j)
        f.get(out)
          .get(c)
          .i32(4)
          .i32Shl()
          .i32Add()
          .get(mean[j]!)
          .f64Store(16 * j);
        f.get(out)
          .get(c)
          .i32(4)
          .i32Shl()
          .i32Add()
          .get(acc[j]!)
          .f64Store(16 * j + 8);
      }
    } else {
      for (let j = 0; j < tier; j++) {
        // out + 8·(c + j)
        f.get(out)
          .get(c)
          .i32(3)
          .i32Shl()
          .i32Add()
          .get(acc[j]!)
          .f64Store(8 * j);
      }
    }
    f.inc(c, tier).br(0);
    f.end().end();
  }
  return f;
}

/**
 * addRowBias(c, bias, rows, rowBytes): row r of c (rowBytes apart, a multiple of 16) gets
 * bias[r] added to every value, f32x4.add (the correctly rounded float32 sum, as JS's
 * f32(y + b) on float32 values): a convolution's bias on its padded product.
 */
export function addRowBiasFn(): FuncBuilder {
  const f = new FuncBuilder('addRowBias', 4);
  const [c, bias, rows, rowBytes] = f.params as [Local, Local, Local, Local];
  const r = f.local('i32');
  const p = f.local('i32');
  const end = f.local('i32');
  const b = f.local('v128');
  f.i32(0).set(r).get(c).set(p);
  f.block().loop();
  f.get(r).get(rows).i32GeU().brIf(1);
  f.get(bias).get(r).i32(2).i32Shl().i32Add().v128Load32Splat(0).set(b);
  f.get(p).get(rowBytes).i32Add().set(end);
  f.block().loop();
  f.get(p).get(end).i32GeU().brIf(1);
  f.get(p).get(p).v128Load(0).get(b).f32x4Add().v128Store(0);
  f.inc(p, 16).br(0);
  f.end().end();
  f.inc(r, 1).br(0);
  f.end().end();
  return f;
}

/**
 * bnRowSums(dy, xhat, rows, spatial, out): per row r, from 0 and s ascending,
 *   Σdy and Σdy·xhat in float64, written at out + 16·r
 * (local-reductions.ts computeLocalReductions' inner sums; the caller adds them per group and
 * channel in sample order). Up to eight rows' chains run side by side.
 */
export function bnRowSumsFn(): FuncBuilder {
  const f = new FuncBuilder('bnRowSums', 5);
  const [dy, xhat, rows, spatial, out] = f.params as [Local, Local, Local, Local, Local];
  const r = f.local('i32');
  const i = f.local('i32');
  const iEnd = f.local('i32');
  const rowBytes = f.local('i32');
  const width = Math.max(...CHAIN_TIERS);
  const offs: Local[] = [];
  for (let j = 0; j < width; j++) offs.push(f.local('i32'));
  const sDy: Local[] = [];
  const sDyX: Local[] = [];
  for (let j = 0; j < width; j++) sDy.push(f.local('f64'));
  for (let j = 0; j < width; j++) sDyX.push(f.local('f64'));
  const d = f.local('f64');
  const a = f.local('i32');

  f.get(spatial).i32(2).i32Shl().set(rowBytes);
  for (let j = 0; j < width; j++) f.get(rowBytes).i32(j).i32Mul().set(offs[j]!);

  f.i32(0).set(r);
  for (const tier of CHAIN_TIERS) {
    f.block().loop();
    f.get(r).i32(tier).i32Add().get(rows).i32GtS().brIf(1);
    for (let j = 0; j < tier; j++) f.f64Const0().set(sDy[j]!).f64Const0().set(sDyX[j]!);
    // i = r·rowBytes (byte offset of the block's first row), iEnd = i + rowBytes
    f.get(r).get(rowBytes).i32Mul().tee(i).get(rowBytes).i32Add().set(iEnd);
    f.block().loop();
    f.get(i).get(iEnd).i32GeU().brIf(1);
    for (let j = 0; j < tier; j++) {
      f.get(i);
      if (j > 0) f.get(offs[j]!).i32Add();
      f.set(a);
      f.get(dy).get(a).i32Add().f32Load().f64PromoteF32().set(d);
      f.get(sDy[j]!).get(d).f64Add().set(sDy[j]!);
      f.get(sDyX[j]!).get(d).get(xhat).get(a).i32Add().f32Load().f64PromoteF32().f64Mul();
      f.f64Add().set(sDyX[j]!);
    }
    f.inc(i, 4).br(0);
    f.end().end();
    for (let j = 0; j < tier; j++) {
      f.get(out)
        .get(r)
        .i32(4)
        .i32Shl()
        .i32Add()
        .get(sDy[j]!)
        .f64Store(16 * j);
      f.get(out)
        .get(r)
        .i32(4)
        .i32Shl()
        .i32Add()
        .get(sDyX[j]!)
        .f64Store(16 * j + 8);
    }
    f.inc(r, tier).br(0);
    f.end().end();
  }
  return f;
}
