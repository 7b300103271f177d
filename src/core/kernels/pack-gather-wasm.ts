import {
  INTERLEAVE_HIGH,
  INTERLEAVE_LOW,
  i32x4Bytes,
  JOIN_HIGH_HALVES,
  JOIN_LOW_HALVES,
} from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * packGatherRuns(src, idx, strideK, k0, kc, dst, blocks), addresses and strides in bytes: packB
 * through an index map whose columns are consecutive entries (im2col's map in a convolution's
 * forward, a column per output position):
 *   dst[blk][k][lane] = src[idx[(k0 + k)·strideK + (8·blk + lane)·4]]   (idx: byte offsets)
 * for `blocks` whole blocks of eight columns. Where four offsets of a step (either half of the
 * block) are one run of consecutive floats (positions within one output row, stride 1), the four
 * values are moved as one f32x4; elsewhere one at a time. Either way the same values land in the same places as
 * packGather's, so the products are unchanged.
 */
export function packGatherRunsFn(): FuncBuilder {
  const f = new FuncBuilder('packGatherRuns', 7);
  const [src, idx, strideK, k0, kc, dst, blocks] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const blk = f.local('i32');
  const d = f.local('i32');
  const dEnd = f.local('i32');
  const s = f.local('i32');
  const a = f.local('i32');
  const panelBytes = f.local('i32');
  const lo = f.local('v128');
  const base = f.local('v128');

  f.get(kc).i32(32).i32Mul().set(panelBytes);
  f.i32(0).set(blk);
  f.block().loop();
  f.get(blk).get(blocks).i32GeU().brIf(1);
  f.get(dst).get(blk).get(panelBytes).i32Mul().i32Add().tee(d);
  f.get(panelBytes).i32Add().set(dEnd);
  // s = idx + k0·strideK + 32·blk
  f.get(idx).get(k0).get(strideK).i32Mul().i32Add().get(blk).i32(5).i32Shl().i32Add().set(s);
  f.block().loop();
  f.get(d).get(dEnd).i32GeU().brIf(1);
  // Each half (four columns) is a run when its offsets are a + (0, 4, 8, 12).
  for (let half = 0; half < 2; half++) {
    const at = 16 * half;
    f.get(s).v128Load(at).tee(lo).i32x4ExtractLane(0).tee(a).i32x4Splat().set(base);
    f.get(lo)
      .get(base)
      .v128Const(i32x4Bytes([0, 4, 8, 12]))
      .i32x4Add()
      .i32x4Eq();
    f.i32x4AllTrue().if_();
    f.get(d).get(src).get(a).i32Add().v128Load(0).v128Store(at);
    f.else_();
    for (let lane = 0; lane < 4; lane++) {
      f.get(d)
        .get(src)
        .get(s)
        .i32Load(at + 4 * lane)
        .i32Add()
        .f32Load()
        .f32Store(at + 4 * lane);
    }
    f.end();
  }
  f.inc(d, 32).incBy(s, strideK).br(0);
  f.end().end();
  f.inc(blk, 1).br(0);
  f.end().end();
  return f;
}

/**
 * packGatherRunsT(src, idx, strideOuter, k0, kc, dst, blocks), addresses and strides in bytes:
 * packB through an index map whose steps are consecutive entries (im2col's map read transposed,
 * as a convolution's weight gradient reads its columns: a column per kernel tap, a step per output
 * position):
 *   dst[blk][k][lane] = src[idx[(8·blk + lane)·strideOuter + (k0 + k)·4]]   (idx: byte offsets)
 * for `blocks` whole blocks of eight columns. Four steps at a time: each column's four values are
 * one f32x4 load where their offsets are a run of consecutive floats (positions within an output
 * row), else gathered one by one; the eight columns' vectors are then transposed in registers into
 * the four steps' panel rows. Steps past the last multiple of four go value by value. The same
 * values land in the same places as packGather's.
 */
export function packGatherRunsTFn(): FuncBuilder {
  const f = new FuncBuilder('packGatherRunsT', 7);
  const [src, idx, strideOuter, k0, kc, dst, blocks] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const blk = f.local('i32');
  const d = f.local('i32');
  const d4End = f.local('i32');
  const dEnd = f.local('i32');
  const s = f.local('i32');
  const a = f.local('i32');
  const e = f.local('i32');
  const panelBytes = f.local('i32');
  const entries = f.local('v128');
  const cols: Local[] = [];
  for (let lane = 0; lane < 8; lane++) cols.push(f.local('v128'));
  const mix: Local[] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];

  /** e = the index entries of column `lane` at the current step (s + lane·strideOuter). */
  const entryAddr = (lane: number): void => {
    f.get(s);
    if (lane > 0) f.get(strideOuter).i32(lane).i32Mul().i32Add();
  };

  f.get(kc).i32(32).i32Mul().set(panelBytes);
  f.i32(0).set(blk);
  f.block().loop();
  f.get(blk).get(blocks).i32GeU().brIf(1);
  f.get(dst).get(blk).get(panelBytes).i32Mul().i32Add().tee(d);
  f.get(panelBytes).i32Add().set(dEnd);
  f.get(d).get(kc).i32(-4).i32And().i32(5).i32Shl().i32Add().set(d4End);
  // s = idx + 8·blk·strideOuter + 4·k0
  f.get(idx).get(blk).i32(3).i32Shl().get(strideOuter).i32Mul().i32Add();
  f.get(k0).i32(2).i32Shl().i32Add().set(s);

  f.block().loop();
  f.get(d).get(d4End).i32GeU().brIf(1);
  for (let lane = 0; lane < 8; lane++) {
    const col = cols[lane]!;
    entryAddr(lane);
    f.set(e);
    f.get(e).v128Load(0).tee(entries).i32x4ExtractLane(0).set(a);
    f.get(entries)
      .get(a)
      .i32x4Splat()
      .v128Const(i32x4Bytes([0, 4, 8, 12]))
      .i32x4Add();
    f.i32x4Eq().i32x4AllTrue().if_();
    f.get(src).get(a).i32Add().v128Load(0).set(col);
    f.else_();
    f.get(src).get(a).i32Add().v128Load32Zero(0).set(col);
    for (let t = 1; t < 4; t++) {
      f.get(src)
        .get(e)
        .i32Load(4 * t)
        .i32Add()
        .get(col)
        .v128Load32Lane(t, 0)
        .set(col);
    }
    f.end();
  }
  // Columns 0–3 and 4–7 transposed: step t's eight values to d + 32·t.
  for (let half = 0; half < 2; half++) {
    const c = cols.slice(4 * half, 4 * half + 4);
    f.get(c[0]!).get(c[1]!).i8x16Shuffle(INTERLEAVE_LOW).set(mix[0]!);
    f.get(c[0]!).get(c[1]!).i8x16Shuffle(INTERLEAVE_HIGH).set(mix[1]!);
    f.get(c[2]!).get(c[3]!).i8x16Shuffle(INTERLEAVE_LOW).set(mix[2]!);
    f.get(c[2]!).get(c[3]!).i8x16Shuffle(INTERLEAVE_HIGH).set(mix[3]!);
    const at = 16 * half;
    f.get(d).get(mix[0]!).get(mix[2]!).i8x16Shuffle(JOIN_LOW_HALVES).v128Store(at);
    f.get(d)
      .get(mix[0]!)
      .get(mix[2]!)
      .i8x16Shuffle(JOIN_HIGH_HALVES)
      .v128Store(at + 32);
    f.get(d)
      .get(mix[1]!)
      .get(mix[3]!)
      .i8x16Shuffle(JOIN_LOW_HALVES)
      .v128Store(at + 64);
    f.get(d)
      .get(mix[1]!)
      .get(mix[3]!)
      .i8x16Shuffle(JOIN_HIGH_HALVES)
      .v128Store(at + 96);
  }
  f.inc(s, 16).inc(d, 128).br(0);
  f.end().end();

  f.block().loop();
  f.get(d).get(dEnd).i32GeU().brIf(1);
  for (let lane = 0; lane < 8; lane++) {
    f.get(d).get(src);
    entryAddr(lane);
    f.i32Load()
      .i32Add()
      .f32Load()
      .f32Store(4 * lane);
  }
  f.inc(s, 4).inc(d, 32).br(0);
  f.end().end();

  f.inc(blk, 1).br(0);
  f.end().end();
  return f;
}
