import { channelChainsFn, rowSumsFn } from './channel-chains-wasm.ts';
import { addRowBiasFn, bnInputGradientFn, bnNormalizeFn } from './channel-passes-wasm.ts';
import { gatherSum4Fn } from './gather-sum-wasm.ts';
import { maxPool2x2Fn, scatterAddFn } from './maxpool-wasm.ts';
import { packGatherRunsFn, packGatherRunsTFn } from './pack-gather-wasm.ts';
import { segmentSumsFn } from './segment-sums-wasm.ts';
import { sgdStepFn } from './sgd-wasm.ts';
import {
  INTERLEAVE_HIGH,
  INTERLEAVE_LOW,
  JOIN_HIGH_HALVES,
  JOIN_LOW_HALVES,
} from './simd-lanes.ts';
import { sumPartsFn } from './sum-parts-wasm.ts';
import { encodeModule, FuncBuilder, type Local } from './wasm-encoder.ts';

/** Rows of A per micro-tile and columns of B per micro-tile (one tile = 4×8 = 8 f32x4 registers). */
export const MR = 4;
export const NR = 8;

/**
 * The GEMM module: two packing routines and a 4×8 SIMD micro-kernel.
 *
 * Packed A: for each block of MR rows, kc steps of MR consecutive values (row-padded with zeros).
 * Packed B: for each block of NR columns, kc steps of NR consecutive values (column-padded).
 * Packing reads through arbitrary element strides, which is how Aᵀ and Bᵀ are handled without
 * materializing transposes.
 *
 * The micro-kernel keeps a 4×8 tile of C in eight f32x4 accumulators and, per k, does two vector
 * loads of B, four load-and-splat of A and eight multiply-adds (mul then add: no FMA, so results
 * are the same correctly rounded float32 operations the JS fallback performs, bit for bit).
 */
export function buildGemmModule(): Uint8Array<ArrayBuffer> {
  return encodeModule(
    [
      packFn('packA', MR),
      packFn('packB', NR),
      kernelFn(),
      moveRowsFn(),
      packGatherFn(),
      gatherSumFn(),
      reluFn(),
      reluBackwardFn(),
      segmentSumsFn(),
      sgdStepFn(),
      sumPartsFn(),
      bnNormalizeFn(),
      bnInputGradientFn(),
      channelChainsFn('bnMoments', true),
      rowSumsFn(),
      maxPool2x2Fn(),
      channelChainsFn('channelSums', false),
      addRowBiasFn(),
      scatterAddFn(),
      packGatherRunsFn(),
      packGatherRunsTFn(),
      gatherSum4Fn(),
    ],
    1,
  );
}

/**
 * moveRows(src, srcStride, dst, dstStride, rowBytes, rows, backwards), strides in bytes: copies
 * `rows` rows between row pitches (padding C's rows out or compacting them) within the memory.
 * In place, compacting (dst ≤ src) must run forwards and padding out (dst ≥ src) backwards.
 */
function moveRowsFn(): FuncBuilder {
  const f = new FuncBuilder('moveRows', 7);
  const [src, srcStride, dst, dstStride, rowBytes, rows, backwards] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const i = f.local('i32');
  const r = f.local('i32');
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(rows).i32GeU().brIf(1);
  // r = backwards ? rows − 1 − i : i
  f.get(backwards).if_();
  f.get(rows).i32(1).i32Sub().get(i).i32Sub().set(r);
  f.else_();
  f.get(i).set(r);
  f.end();
  f.get(dst).get(r).get(dstStride).i32Mul().i32Add();
  f.get(src).get(r).get(srcStride).i32Mul().i32Add();
  f.get(rowBytes).memoryCopy();
  f.inc(i, 1).br(0);
  f.end().end();
  return f;
}

/**
 * pack(src, strideOuter, strideK, count, k0, kc, dst, blocks), strides in bytes:
 * dst[blk][k][lane] = src[(blk·W + lane)·strideOuter + (k0 + k)·strideK], 0 past `count`.
 *
 * Two layouts move whole blocks as vectors (the same values to the same places): lanes adjacent in
 * memory (strideOuter = 4: B row-major, A transposed) copy W/4 f32x4 per k; for the 4-wide A
 * panel, k adjacent (strideK = 4: A row-major) loads four rows' next four values and transposes
 * them (k beyond the last multiple of 4 one value at a time). The remaining lanes (a ragged last
 * block, other strides) go value by value.
 */
function packFn(exportName: string, width: number): FuncBuilder {
  const f = new FuncBuilder(exportName, 8);
  const [src, strideOuter, strideK, count, k0, kc, dst, blocks] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const r = f.local('i32');
  const total = f.local('i32');
  const d = f.local('i32');
  const dEnd = f.local('i32');
  const s = f.local('i32');
  const panelBytes = f.local('i32');
  const blk = f.local('i32');
  const fullBlocks = f.local('i32');
  const d4End = f.local('i32');
  const rows: Local[] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const mix: Local[] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const log2 = Math.log2(width);
  const step = width * 4;

  f.get(kc).i32(step).i32Mul().set(panelBytes);
  f.get(blocks).i32(log2).i32Shl().set(total);
  f.i32(0).set(r);

  // Whole blocks: min(blocks, ⌊count / W⌋).
  f.get(count).i32(log2).i32ShrU().set(fullBlocks);
  f.get(fullBlocks).get(blocks).i32GtS().if_();
  f.get(blocks).set(fullBlocks);
  f.end();

  /** For blk < fullBlocks: d, dEnd = the block's panel; s = its first value (lane 0, k0). */
  const overFullBlocks = (body: () => void): void => {
    f.i32(0).set(blk);
    f.block().loop();
    f.get(blk).get(fullBlocks).i32GeU().brIf(1);
    f.get(dst).get(blk).get(panelBytes).i32Mul().i32Add().tee(d);
    f.get(panelBytes).i32Add().set(dEnd);
    f.get(src).get(blk).i32(log2).i32Shl().get(strideOuter).i32Mul().i32Add();
    f.get(k0).get(strideK).i32Mul().i32Add().set(s);
    body();
    f.inc(blk, 1).br(0);
    f.end().end();
    f.get(fullBlocks).i32(log2).i32Shl().set(r);
  };

  f.get(strideOuter).i32(4).i32Eq().if_();
  overFullBlocks(() => {
    f.block().loop();
    f.get(d).get(dEnd).i32GeU().brIf(1);
    for (let q = 0; q < width / 4; q++)
      f.get(d)
        .get(s)
        .v128Load(16 * q)
        .v128Store(16 * q);
    f.incBy(s, strideK).inc(d, step).br(0);
    f.end().end();
  });
  if (width === 4) {
    f.else_();
    f.get(strideK).i32(4).i32Eq().if_();
    overFullBlocks(() => {
      // d4End = d + 16·(kc & ~3): four k at a time, then the rest one by one.
      f.get(d).get(kc).i32(-4).i32And().i32(4).i32Shl().i32Add().set(d4End);
      f.block().loop();
      f.get(d).get(d4End).i32GeU().brIf(1);
      for (let lane = 0; lane < 4; lane++) {
        f.get(s);
        if (lane > 0) f.get(strideOuter).i32(lane).i32Mul().i32Add();
        f.v128Load(0).set(rows[lane]!);
      }
      // mix0 = (r0k0, r1k0, r0k1, r1k1), mix1 = (r0k2, r1k2, r0k3, r1k3), mix2/3 from rows 2, 3.
      f.get(rows[0]!).get(rows[1]!).i8x16Shuffle(INTERLEAVE_LOW).set(mix[0]!);
      f.get(rows[0]!).get(rows[1]!).i8x16Shuffle(INTERLEAVE_HIGH).set(mix[1]!);
      f.get(rows[2]!).get(rows[3]!).i8x16Shuffle(INTERLEAVE_LOW).set(mix[2]!);
      f.get(rows[2]!).get(rows[3]!).i8x16Shuffle(INTERLEAVE_HIGH).set(mix[3]!);
      f.get(d).get(mix[0]!).get(mix[2]!).i8x16Shuffle(JOIN_LOW_HALVES).v128Store(0);
      f.get(d).get(mix[0]!).get(mix[2]!).i8x16Shuffle(JOIN_HIGH_HALVES).v128Store(16);
      f.get(d).get(mix[1]!).get(mix[3]!).i8x16Shuffle(JOIN_LOW_HALVES).v128Store(32);
      f.get(d).get(mix[1]!).get(mix[3]!).i8x16Shuffle(JOIN_HIGH_HALVES).v128Store(48);
      f.inc(s, 16).inc(d, 64).br(0);
      f.end().end();
      f.block().loop();
      f.get(d).get(dEnd).i32GeU().brIf(1);
      for (let lane = 0; lane < 4; lane++) {
        f.get(d).get(s);
        if (lane > 0) f.get(strideOuter).i32(lane).i32Mul().i32Add();
        f.f32Load().f32Store(4 * lane);
      }
      f.inc(s, 4).inc(d, 16).br(0);
      f.end().end();
    });
    f.end();
  }
  f.end();

  // Value by value from lane r on.
  f.block().loop();
  f.get(r).get(total).i32GeU().brIf(1);
  // d = dst + (r / W)·panelBytes + (r mod W)·4
  f.get(dst).get(r).i32(log2).i32ShrU().get(panelBytes).i32Mul().i32Add();
  f.get(r)
    .i32(width - 1)
    .i32And()
    .i32(2)
    .i32Shl()
    .i32Add()
    .tee(d);
  f.get(panelBytes).i32Add().set(dEnd);
  f.get(r).get(count).i32LtU().if_();
  f.get(src).get(r).get(strideOuter).i32Mul().i32Add();
  f.get(k0).get(strideK).i32Mul().i32Add().set(s);
  f.loop();
  f.get(d).get(s).f32Load().f32Store();
  f.incBy(s, strideK).inc(d, step);
  f.get(d).get(dEnd).i32LtU().brIf(0);
  f.end();
  f.else_();
  f.loop();
  f.get(d).f32Const0().f32Store();
  f.inc(d, step);
  f.get(d).get(dEnd).i32LtU().brIf(0);
  f.end();
  f.end();
  f.inc(r, 1).br(0);
  f.end().end();
  return f;
}

/**
 * kernel(ap, bp, cp, mBlocks, nBlocks, kc, ldcBytes, accumulate):
 * C[tile] (=|+=) Apanel · Bpanel for every (jb, ib) tile; C is padded to whole tiles.
 */
function kernelFn(): FuncBuilder {
  const f = new FuncBuilder('kernel', 8);
  const [ap, bp, cp, mBlocks, nBlocks, kc, ldc, accumulate] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const jb = f.local('i32');
  const ib = f.local('i32');
  const a = f.local('i32');
  const b = f.local('i32');
  const bEnd = f.local('i32');
  const c = f.local('i32');
  const aPanel = f.local('i32');
  const bPanel = f.local('i32');
  const acc: Local[] = [];
  for (let i = 0; i < MR * 2; i++) acc.push(f.local('v128'));
  const b0 = f.local('v128');
  const b1 = f.local('v128');
  const av = f.local('v128');

  const rowAddr = (row: number): void => {
    f.get(c);
    if (row > 0) f.get(ldc).i32(row).i32Mul().i32Add();
  };

  f.get(kc)
    .i32(MR * 4)
    .i32Mul()
    .set(aPanel);
  f.get(kc)
    .i32(NR * 4)
    .i32Mul()
    .set(bPanel);
  f.i32(0).set(jb);
  f.block().loop();
  f.get(jb).get(nBlocks).i32GeU().brIf(1);
  f.i32(0).set(ib);
  f.block().loop();
  f.get(ib).get(mBlocks).i32GeU().brIf(1);

  f.get(ap).get(ib).get(aPanel).i32Mul().i32Add().set(a);
  f.get(bp).get(jb).get(bPanel).i32Mul().i32Add().tee(b);
  f.get(bPanel).i32Add().set(bEnd);
  f.get(cp).get(ib).i32(MR).i32Mul().get(ldc).i32Mul().i32Add();
  f.get(jb)
    .i32(NR * 4)
    .i32Mul()
    .i32Add()
    .set(c);

  f.get(accumulate).if_();
  for (let row = 0; row < MR; row++) {
    rowAddr(row);
    f.v128Load(0).set(acc[2 * row]!);
    rowAddr(row);
    f.v128Load(16).set(acc[2 * row + 1]!);
  }
  f.else_();
  for (const x of acc) f.v128Zero().set(x);
  f.end();

  f.loop();
  f.get(b).v128Load(0).set(b0);
  f.get(b).v128Load(16).set(b1);
  for (let row = 0; row < MR; row++) {
    f.get(a)
      .v128Load32Splat(row * 4)
      .set(av);
    f.get(acc[2 * row]!)
      .get(av)
      .get(b0)
      .f32x4Mul()
      .f32x4Add()
      .set(acc[2 * row]!);
    f.get(acc[2 * row + 1]!)
      .get(av)
      .get(b1)
      .f32x4Mul()
      .f32x4Add()
      .set(acc[2 * row + 1]!);
  }
  f.inc(a, MR * 4).inc(b, NR * 4);
  f.get(b).get(bEnd).i32LtU().brIf(0);
  f.end();

  for (let row = 0; row < MR; row++) {
    rowAddr(row);
    f.get(acc[2 * row]!).v128Store(0);
    rowAddr(row);
    f.get(acc[2 * row + 1]!).v128Store(16);
  }

  f.inc(ib, 1).br(0);
  f.end().end();
  f.inc(jb, 1).br(0);
  f.end().end();
  return f;
}

/**
 * packGather(src, idx, strideOuter, strideK, count, k0, kc, dst, blocks): packB through an index
 * map, which fuses im2col into packing: op(B)[k, j] = src[idx[k·strideK + j·strideOuter]], where
 * idx holds byte offsets from src and the strides are bytes within idx.
 */
function packGatherFn(): FuncBuilder {
  const f = new FuncBuilder('packGather', 9);
  const [src, idx, strideOuter, strideK, count, k0, kc, dst, blocks] = f.params as [
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
    Local,
  ];
  const r = f.local('i32');
  const total = f.local('i32');
  const d = f.local('i32');
  const dEnd = f.local('i32');
  const s = f.local('i32');
  const panelBytes = f.local('i32');
  const width = NR;
  const log2 = Math.log2(width);
  const step = width * 4;

  f.get(kc).i32(step).i32Mul().set(panelBytes);
  f.get(blocks).i32(log2).i32Shl().set(total);
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).get(total).i32GeU().brIf(1);
  f.get(dst).get(r).i32(log2).i32ShrU().get(panelBytes).i32Mul().i32Add();
  f.get(r)
    .i32(width - 1)
    .i32And()
    .i32(2)
    .i32Shl()
    .i32Add()
    .tee(d);
  f.get(panelBytes).i32Add().set(dEnd);
  f.get(r).get(count).i32LtU().if_();
  f.get(idx).get(r).get(strideOuter).i32Mul().i32Add();
  f.get(k0).get(strideK).i32Mul().i32Add().set(s);
  f.loop();
  f.get(d).get(src).get(s).i32Load().i32Add().f32Load().f32Store();
  f.incBy(s, strideK).inc(d, step);
  f.get(d).get(dEnd).i32LtU().brIf(0);
  f.end();
  f.else_();
  f.loop();
  f.get(d).f32Const0().f32Store();
  f.inc(d, step);
  f.get(d).get(dEnd).i32LtU().brIf(0);
  f.end();
  f.end();
  f.inc(r, 1).br(0);
  f.end().end();
  return f;
}

/**
 * gatherSum(dst, src, idx, n, kk): dst[i] = f32(Σ_t src[idx[i·kk + t]]) for i < n, summed in
 * float64 from t = 0 upwards starting with the first term (col2im through its index map; idx
 * holds byte offsets from src). kk ≥ 1.
 */
function gatherSumFn(): FuncBuilder {
  const f = new FuncBuilder('gatherSum', 5);
  const [dst, src, idx, n, kk] = f.params as [Local, Local, Local, Local, Local];
  const d = f.local('i32');
  const dEnd = f.local('i32');
  const t = f.local('i32');
  const tEnd = f.local('i32');
  const rowBytes = f.local('i32');
  const acc = f.local('f64');

  f.get(kk).i32(2).i32Shl().set(rowBytes);
  f.get(dst).set(d);
  f.get(dst).get(n).i32(2).i32Shl().i32Add().set(dEnd);
  f.get(idx).set(t);
  f.block().loop();
  f.get(d).get(dEnd).i32GeU().brIf(1);
  f.get(t).get(rowBytes).i32Add().set(tEnd);
  f.get(src).get(t).i32Load().i32Add().f32Load().f64PromoteF32().set(acc);
  f.inc(t, 4);
  f.block().loop();
  f.get(t).get(tEnd).i32GeU().brIf(1);
  f.get(acc).get(src).get(t).i32Load().i32Add().f32Load().f64PromoteF32().f64Add().set(acc);
  f.inc(t, 4).br(0);
  f.end().end();
  f.get(d).get(acc).f32DemoteF64().f32Store();
  f.inc(d, 4).br(0);
  f.end().end();
  return f;
}

/**
 * relu(src, dst, bytes): dst = max(src, +0) four lanes at a time (bytes a multiple of 16).
 * f32x4.max gives +0 for −0 and every negative, NaN for NaN: the bits of JS's (v + |v|)/2.
 */
function reluFn(): FuncBuilder {
  const f = new FuncBuilder('relu', 3);
  const [src, dst, bytes] = f.params as [Local, Local, Local];
  const i = f.local('i32');
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(bytes).i32GeU().brIf(1);
  f.get(dst).get(i).i32Add();
  f.get(src).get(i).i32Add().v128Load(0).v128Zero().f32x4Max();
  f.v128Store(0);
  f.inc(i, 16).br(0);
  f.end().end();
  return f;
}

/**
 * reluBackward(y, dy, dx, bytes): dx = dy where y's bits are > 0 (y > +0, or NaN), else +0; the
 * bits of the JS mask (b | −b) >> 31 for outputs y ≥ +0.
 */
function reluBackwardFn(): FuncBuilder {
  const f = new FuncBuilder('reluBackward', 4);
  const [y, dy, dx, bytes] = f.params as [Local, Local, Local, Local];
  const i = f.local('i32');
  f.i32(0).set(i);
  f.block().loop();
  f.get(i).get(bytes).i32GeU().brIf(1);
  f.get(dx).get(i).i32Add();
  f.get(dy).get(i).i32Add().v128Load(0);
  f.get(y).get(i).i32Add().v128Load(0).v128Zero().i32x4GtS();
  f.v128And().v128Store(0);
  f.inc(i, 16).br(0);
  f.end().end();
  return f;
}
