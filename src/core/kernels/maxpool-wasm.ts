import { EVEN_LANES, i32x4Bytes, ODD_LANES } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * maxPool2x2(x, y, arg, planes, h, w, ho, wo), addresses in bytes: 2×2 windows with stride 2 over
 * `planes` planes of h×w float32 values, four outputs at a time. For each output, the window's
 * values are compared in row-major order (top-left, top-right, bottom-left, bottom-right) on the
 * integer keys of maxpool2d.ts (orderKey: the float order, −0 = +0, NaN with the sign bit clear
 * above +∞) and a value replaces the best only when its key is greater, so ties go to the first,
 * as in the JS loop; y gets the winner's value (its bits) and arg its flat index in x.
 *
 * Each output row is done in whole groups of four: the last group of a row may read up to 16
 * values past the row (x needs that many readable floats after its end) and writes up to three
 * outputs past it (y and arg need three more slots), which the next row then overwrites.
 */
export function maxPool2x2Fn(): FuncBuilder {
  const f = new FuncBuilder('maxPool2x2', 8);
  const [x, y, arg, planes, h, w, ho, wo] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const plane = f.local('i32');
  const oh = f.local('i32');
  const ow = f.local('i32');
  const o = f.local('i32');
  const rowIdx = f.local('i32');
  const ti = f.local('i32');
  const t = f.local('i32');
  const wBytes = f.local('i32');
  const v0 = f.local('v128');
  const v1 = f.local('v128');
  const idx = f.local('v128');
  const bestV = f.local('v128');
  const bestK = f.local('v128');
  const bestI = f.local('v128');
  const v = f.local('v128');
  const key = f.local('v128');
  const take = f.local('v128');
  const wSplat = f.local('v128');

  /** orderKey of the i32 lanes of `src`: (b ^ ((b >> 31) & 0x7fffffff)) + (b >>> 31). */
  const orderKey = (src: Local): void => {
    f.get(src).get(src).i32(31).i32x4ShrS();
    f.v128Const(i32x4Bytes([0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff])).v128And();
    f.v128Xor().get(src).i32(31).i32x4ShrU().i32x4Add();
  };
  /** Loads eight values at t + `offset` and leaves their even (or odd) elements in `into`. */
  const lanes = (offset: Local | null, pattern: number[], into: Local): void => {
    f.get(t);
    if (offset) f.get(offset).i32Add();
    f.v128Load(0).set(v0);
    f.get(t);
    if (offset) f.get(offset).i32Add();
    f.v128Load(16).set(v1);
    f.get(v0).get(v1).i8x16Shuffle(pattern).set(into);
  };
  /** The candidate in `v` at indices `idx` + delta replaces the best where its key is greater. */
  const step = (delta: () => void, updateKey: boolean): void => {
    orderKey(v);
    f.tee(key).get(bestK).i32x4GtS().set(take);
    if (updateKey) f.get(key).get(bestK).get(take).v128Bitselect().set(bestK);
    f.get(v).get(bestV).get(take).v128Bitselect().set(bestV);
    f.get(idx);
    delta();
    f.get(bestI).get(take).v128Bitselect().set(bestI);
  };

  f.get(w).i32(2).i32Shl().set(wBytes);
  f.get(w).i32x4Splat().set(wSplat);
  f.i32(0).set(o);
  f.i32(0).set(plane);
  f.block().loop();
  f.get(plane).get(planes).i32GeU().brIf(1);
  f.i32(0).set(oh);
  f.block().loop();
  f.get(oh).get(ho).i32GeU().brIf(1);
  // rowIdx = (plane·h + 2·oh)·w
  f.get(plane).get(h).i32Mul().get(oh).i32(1).i32Shl().i32Add().get(w).i32Mul().set(rowIdx);
  f.i32(0).set(ow);
  f.block().loop();
  f.get(ow).get(wo).i32GeU().brIf(1);
  f.get(rowIdx).get(ow).i32(1).i32Shl().i32Add().tee(ti);
  f.i32(2).i32Shl().get(x).i32Add().set(t);
  f.get(ti)
    .i32x4Splat()
    .v128Const(i32x4Bytes([0, 2, 4, 6]))
    .i32x4Add()
    .set(idx);
  // Top-left: the first best.
  lanes(null, EVEN_LANES, bestV);
  orderKey(bestV);
  f.set(bestK);
  f.get(idx).set(bestI);
  lanes(null, ODD_LANES, v);
  step(() => f.v128Const(i32x4Bytes([1, 1, 1, 1])).i32x4Add(), true);
  lanes(wBytes, EVEN_LANES, v);
  step(() => f.get(wSplat).i32x4Add(), true);
  lanes(wBytes, ODD_LANES, v);
  step(
    () =>
      f
        .get(wSplat)
        .i32x4Add()
        .v128Const(i32x4Bytes([1, 1, 1, 1]))
        .i32x4Add(),
    false,
  );
  // y and arg at o + 4·ow
  f.get(y).get(o).i32Add().get(ow).i32(2).i32Shl().i32Add().get(bestV).v128Store(0);
  f.get(arg).get(o).i32Add().get(ow).i32(2).i32Shl().i32Add().get(bestI).v128Store(0);
  f.inc(ow, 4).br(0);
  f.end().end();
  f.get(o).get(wo).i32(2).i32Shl().i32Add().set(o);
  f.inc(oh, 1).br(0);
  f.end().end();
  f.inc(plane, 1).br(0);
  f.end().end();
  return f;
}

/**
 * scatterAdd(dst, src, idx, n), addresses in bytes: dst[idx[o]] = f32(dst[idx[o]] + src[o]) for
 * o = 0 … n − 1 in order (idx holds element indices): max pooling's backward, each gradient routed
 * to its window's maximum, summed in output order where windows overlap (MaxPool2d.backward).
 */
export function scatterAddFn(): FuncBuilder {
  const f = new FuncBuilder('scatterAdd', 4);
  const [dst, src, idx, n] = f.params as [Local, Local, Local, Local];
  const o = f.local('i32');
  const a = f.local('i32');
  f.i32(0).set(o);
  f.block().loop();
  f.get(o).get(n).i32GeU().brIf(1);
  f.get(idx).get(o).i32(2).i32Shl().i32Add().i32Load().i32(2).i32Shl().get(dst).i32Add().tee(a);
  f.get(a).f32Load().get(src).get(o).i32(2).i32Shl().i32Add().f32Load().f32Add().f32Store();
  f.inc(o, 1).br(0);
  f.end().end();
  return f;
}
