import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * Elementwise passes over activations in WebAssembly SIMD: batch norm's normalize and input
 * gradient, each the JS loop of src/core/norm op for op (every float32 value widened exactly, the
 * same float64 operations in the same order, results rounded once), and a convolution's bias add.
 * The sums (moments, reductions, bias gradients) are in channel-chains-wasm.ts.
 *
 * A "row" is the `spatial` contiguous values of one sample and channel (NCHW; spatial 1 for
 * [N, C]). Addresses are in bytes.
 */

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
      // Two values at a time: loaded widened (no shuffle), stored as two float32 (no join).
      for (let half = 0; half < 2; half++) {
        f.get(x)
          .get(i)
          .i32Add()
          .v128Load64Zero(8 * half)
          .f64x2PromoteLowF32x4();
        f.get(mu).f64x2Sub().get(is).f64x2Mul().set(h[half]!);
        f.get(a).get(h[half]!).f64x2Mul().get(b).f64x2Add().set(o[half]!);
        f.get(xhat).get(i).i32Add().get(h[half]!).f32x4DemoteF64x2Zero();
        f.v128Store64Lane(0, 8 * half);
        f.get(y).get(i).i32Add().get(o[half]!).f32x4DemoteF64x2Zero();
        f.v128Store64Lane(0, 8 * half);
      }
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
      // Two values at a time: loaded widened (no shuffle), stored as two float32 (no join).
      for (let half = 0; half < 2; half++) {
        f.get(out).get(i).i32Add();
        f.get(k);
        f.get(dy)
          .get(i)
          .i32Add()
          .v128Load64Zero(8 * half)
          .f64x2PromoteLowF32x4();
        f.get(mDy).f64x2Sub();
        f.get(xhat)
          .get(i)
          .i32Add()
          .v128Load64Zero(8 * half)
          .f64x2PromoteLowF32x4();
        f.get(mDx).f64x2Mul().f64x2Sub().f64x2Mul().f32x4DemoteF64x2Zero();
        f.v128Store64Lane(0, 8 * half);
      }
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
