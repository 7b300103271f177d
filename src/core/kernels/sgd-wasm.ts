import { HIGH_HALF, JOIN_LOW_HALVES } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/** The kernel's scalars μ, lr, wd and nesterov (1 or 0), float64 at +0, +8, +16, +24. */
export function writeSgdScalars(
  f64: Float64Array,
  mu: number,
  lr: number,
  wd: number,
  nesterov: boolean,
): void {
  f64[0] = mu;
  f64[1] = lr;
  f64[2] = wd;
  f64[3] = nesterov ? 1 : 0;
}

/** Which of SGD's update rules a call applies (each the JS loop of sgd-update.ts, op for op). */
export const SgdRule = { momentum: 0, general: 1, plain: 2 } as const;

/**
 * sgdStep(w, grad, buf, bytes, scalars, rule), addresses in bytes, `bytes` a multiple of 16;
 * scalars holds the float64 values μ, lr, wd, nesterov (1 or 0) at +0, +8, +16, +24. Every
 * float32 value is widened exactly, the rule computed in float64 and the results rounded once, as
 * JS does with Float32Array elements and number arithmetic, so both give the same bits:
 *   momentum: b = μ·buf + grad; buf = f32(b); w = f32(w − lr·b)
 *   general:  g = grad + wd·w; b = μ·buf + g; buf = f32(b); w = f32(w − lr·(nesterov ? g + μ·b : b))
 *   plain:    w = f32(w − lr·(grad + wd·w))          (no momentum: buf is not read)
 */
export function sgdStepFn(): FuncBuilder {
  const f = new FuncBuilder('sgdStep', 6);
  const [w, grad, buf, bytes, scalars, rule] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const i = f.local('i32');
  const mu = f.local('v128');
  const lr = f.local('v128');
  const wd = f.local('v128');
  const nesterov = f.local('i32');
  const wv = f.local('v128');
  const gv = f.local('v128');
  const bv = f.local('v128');
  const w64 = f.local('v128');
  const g64 = f.local('v128');
  const b64 = f.local('v128');
  const d64 = f.local('v128');
  const newW: Local[] = [f.local('v128'), f.local('v128')];
  const newB: Local[] = [f.local('v128'), f.local('v128')];

  f.get(scalars).v128Load64Splat(0).set(mu);
  f.get(scalars).v128Load64Splat(8).set(lr);
  f.get(scalars).v128Load64Splat(16).set(wd);
  f.get(scalars).f64Load(24).f64Const0().f64Ne().set(nesterov);

  const half = (v: Local, h: number): void => {
    f.get(v);
    if (h === 1) f.get(v).i8x16Shuffle(HIGH_HALF);
    f.f64x2PromoteLowF32x4();
  };
  const join = (pair: Local[]): void => {
    f.get(pair[0]!).f32x4DemoteF64x2Zero().get(pair[1]!).f32x4DemoteF64x2Zero();
    f.i8x16Shuffle(JOIN_LOW_HALVES);
  };

  // One loop per rule (and per Nesterov), so no branch runs per element.
  const loop = (kind: 'momentum' | 'general' | 'nesterov' | 'plain'): void => {
    f.i32(0).set(i);
    f.block().loop();
    f.get(i).get(bytes).i32GeU().brIf(1);
    f.get(w).get(i).i32Add().v128Load(0).set(wv);
    f.get(grad).get(i).i32Add().v128Load(0).set(gv);
    if (kind !== 'plain') f.get(buf).get(i).i32Add().v128Load(0).set(bv);
    for (let h = 0; h < 2; h++) {
      half(wv, h);
      f.set(w64);
      half(gv, h);
      f.set(g64);
      if (kind === 'momentum') {
        // b = μ·buf + grad; w − lr·b
        f.get(mu);
        half(bv, h);
        f.f64x2Mul().get(g64).f64x2Add().tee(b64).set(newB[h]!);
        f.get(w64).get(lr).get(b64).f64x2Mul().f64x2Sub().set(newW[h]!);
        continue;
      }
      // g = grad + wd·w
      f.get(g64).get(wd).get(w64).f64x2Mul().f64x2Add().set(g64);
      if (kind === 'plain') f.get(g64).set(d64);
      else {
        f.get(mu);
        half(bv, h);
        f.f64x2Mul().get(g64).f64x2Add().tee(b64).set(newB[h]!);
        if (kind === 'nesterov') f.get(g64).get(mu).get(b64).f64x2Mul().f64x2Add().set(d64);
        else f.get(b64).set(d64);
      }
      f.get(w64).get(lr).get(d64).f64x2Mul().f64x2Sub().set(newW[h]!);
    }
    f.get(w).get(i).i32Add();
    join(newW);
    f.v128Store(0);
    if (kind !== 'plain') {
      f.get(buf).get(i).i32Add();
      join(newB);
      f.v128Store(0);
    }
    f.inc(i, 16).br(0);
    f.end().end();
  };

  f.get(rule).i32(SgdRule.momentum).i32Eq().if_();
  loop('momentum');
  f.else_();
  f.get(rule).i32(SgdRule.plain).i32Eq().if_();
  loop('plain');
  f.else_();
  f.get(nesterov).if_();
  loop('nesterov');
  f.else_();
  loop('general');
  f.end();
  f.end();
  f.end();
  return f;
}
