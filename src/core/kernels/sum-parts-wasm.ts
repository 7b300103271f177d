import { HIGH_HALF, JOIN_LOW_HALVES, NEG_ZERO_F64X2 } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * sumParts(src, count, stride, bytes, dst), addresses and sizes in bytes, `bytes` a multiple of 16:
 *
 *   dst[i] = f32( ((p₀[i] + p₁[i]) + p₂[i]) + … )   in float64, p_k = src + k·stride
 *
 * the all-reduce's sum of every device's vector in device order (`sumInOrder`), four elements at
 * a time in two float64 pairs, each lane's additions in the same order as the JS loop's.
 */
export function sumPartsFn(): FuncBuilder {
  const f = new FuncBuilder('sumParts', 5);
  const [src, count, stride, bytes, dst] = f.params as [Local, Local, Local, Local, Local];
  const i = f.local('i32');
  const p = f.local('i32');
  const pEnd = f.local('i32');
  const v = f.local('v128');
  const lo = f.local('v128');
  const hi = f.local('v128');

  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(bytes).i32GeU().brIf(1);
  f.v128Const(NEG_ZERO_F64X2).set(lo);
  f.v128Const(NEG_ZERO_F64X2).set(hi);
  f.get(src).get(i).i32Add().set(p);
  f.get(p).get(count).get(stride).i32Mul().i32Add().set(pEnd);
  f.block().loop();
  f.get(p).get(pEnd).i32GeU().brIf(1);
  f.get(p).v128Load(0).set(v);
  f.get(lo).get(v).f64x2PromoteLowF32x4().f64x2Add().set(lo);
  f.get(hi).get(v).get(v).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4().f64x2Add().set(hi);
  f.incBy(p, stride).br(0);
  f.end().end();
  f.get(dst).get(i).i32Add();
  f.get(lo).f32x4DemoteF64x2Zero().get(hi).f32x4DemoteF64x2Zero().i8x16Shuffle(JOIN_LOW_HALVES);
  f.v128Store(0);
  f.inc(i, 16).br(0);
  f.end().end();
  return f;
}
