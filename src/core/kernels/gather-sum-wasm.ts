import { HIGH_HALF, i32x4Bytes, JOIN_LOW_HALVES } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * gatherSum4(dst, src, idxT, n4, kk, pitch), addresses in bytes, n4 a multiple of 4:
 *   dst[i] = f32(Σ_t src[idxT[t·pitch/4 + i]])   for i < n4
 * summed in float64 from t = 0 upwards starting with the first term: gatherSum's col2im, four
 * outputs at a time (one per lane, each lane's sum in t order), with the index map transposed (row
 * t holds every output's t-th offset) so four outputs' offsets are one load. Where they are a run
 * of consecutive floats (neighbouring inputs of one row, stride 1), the four values are one f32x4;
 * elsewhere they are gathered by lanes. The same values in the same order as gatherSum.
 */
export function gatherSum4Fn(): FuncBuilder {
  const f = new FuncBuilder('gatherSum4', 6);
  const [dst, src, idxT, n4, kk, pitch] = f.params as [Local, Local, Local, Local, Local, Local];
  const i = f.local('i32');
  const iEnd = f.local('i32');
  const p = f.local('i32');
  const t = f.local('i32');
  const a = f.local('i32');
  const e = f.local('v128');
  const v = f.local('v128');
  const acc0 = f.local('v128');
  const acc1 = f.local('v128');

  /** v = the four values the offsets at p point to. */
  const values = (): void => {
    f.get(p).v128Load(0).tee(e).i32x4ExtractLane(0).set(a);
    f.get(e)
      .get(a)
      .i32x4Splat()
      .v128Const(i32x4Bytes([0, 4, 8, 12]))
      .i32x4Add()
      .i32x4Eq();
    f.i32x4AllTrue().if_();
    f.get(src).get(a).i32Add().v128Load(0).set(v);
    f.else_();
    f.get(src).get(a).i32Add().v128Load32Zero(0).set(v);
    for (let lane = 1; lane < 4; lane++) {
      f.get(src).get(e).i32x4ExtractLane(lane).i32Add().get(v).v128Load32Lane(lane, 0).set(v);
    }
    f.end();
  };

  f.i32(0).set(i);
  f.get(n4).i32(2).i32Shl().set(iEnd);
  f.block().loop();
  f.get(i).get(iEnd).i32GeU().brIf(1);
  f.get(idxT).get(i).i32Add().set(p);
  values();
  f.get(v).f64x2PromoteLowF32x4().set(acc0);
  f.get(v).get(v).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4().set(acc1);
  f.i32(1).set(t);
  f.block().loop();
  f.get(t).get(kk).i32GeU().brIf(1);
  f.incBy(p, pitch);
  values();
  f.get(acc0).get(v).f64x2PromoteLowF32x4().f64x2Add().set(acc0);
  f.get(acc1).get(v).get(v).i8x16Shuffle(HIGH_HALF).f64x2PromoteLowF32x4().f64x2Add().set(acc1);
  f.inc(t, 1).br(0);
  f.end().end();
  f.get(dst).get(i).i32Add();
  f.get(acc0).f32x4DemoteF64x2Zero().get(acc1).f32x4DemoteF64x2Zero();
  f.i8x16Shuffle(JOIN_LOW_HALVES).v128Store(0);
  f.inc(i, 16).br(0);
  f.end().end();
  return f;
}
