import { FuncBuilder, type Local } from './wasm-encoder.ts';

/** Little-endian bytes of four i32 lanes. */
function i32x4Bytes(lanes: readonly number[]): number[] {
  const out: number[] = [];
  for (const v of lanes) out.push(v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff);
  return out;
}

/**
 * packGatherRuns(src, idx, strideK, k0, kc, dst, blocks), addresses and strides in bytes: packB
 * through an index map whose columns are consecutive entries (im2col's map in a convolution's
 * forward, a column per output position):
 *   dst[blk][k][lane] = src[idx[(k0 + k)·strideK + (8·blk + lane)·4]]   (idx: byte offsets)
 * for `blocks` whole blocks of eight columns. Where the eight offsets of a step are one run of
 * consecutive floats (positions within one output row, stride 1), the eight values are moved as
 * two f32x4; elsewhere one at a time. Either way the same values land in the same places as
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
  const hi = f.local('v128');
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
  f.get(s).v128Load(0).tee(lo).i32x4ExtractLane(0).tee(a).i32x4Splat().set(base);
  f.get(s).v128Load(16).set(hi);
  // A run when lo = a + (0, 4, 8, 12) and hi = a + (16, 20, 24, 28).
  f.get(lo)
    .get(base)
    .v128Const(i32x4Bytes([0, 4, 8, 12]))
    .i32x4Add()
    .i32x4Eq();
  f.get(hi)
    .get(base)
    .v128Const(i32x4Bytes([16, 20, 24, 28]))
    .i32x4Add()
    .i32x4Eq();
  f.v128And().i32x4AllTrue();
  f.if_();
  f.get(d).get(src).get(a).i32Add().v128Load(0).v128Store(0);
  f.get(d).get(src).get(a).i32Add().v128Load(16).v128Store(16);
  f.else_();
  for (let lane = 0; lane < 8; lane++) {
    f.get(d)
      .get(src)
      .get(s)
      .i32Load(4 * lane)
      .i32Add()
      .f32Load()
      .f32Store(4 * lane);
  }
  f.end();
  f.inc(d, 32).incBy(s, strideK).br(0);
  f.end().end();
  f.inc(blk, 1).br(0);
  f.end().end();
  return f;
}
