import { HIGH_HALF, INTERLEAVE_HIGH, INTERLEAVE_LOW } from './simd-lanes.ts';
import { FuncBuilder, type Local } from './wasm-encoder.ts';

/**
 * Sequential float64 sums over rows of float32 values (a row = the `spatial` values of one sample
 * and channel in NCHW), several rows' chains at once. Each chain adds its values one at a time in
 * their order, from +0, exactly as the JS loops do; the speed comes from running chains side by
 * side, two per f64x2 (lane 0 one row, lane 1 the next): four values of each of the two rows are
 * loaded as f32x4, interleaved into (a0, b0, a1, b1), (a2, b2, a3, b3) and widened pair by pair,
 * so each lane still sees its own row's values in order. Blocks of 8, 4 and 2 rows run as 4, 2
 * and 1 pairs; a last odd row runs alone in scalar float64.
 *
 * Addresses in bytes. `channelChainsFn` builds bnMoments and channelSums (a channel's rows are
 * one per sample, `channels` rows apart); `rowSumsFn` builds bnRowSums (every row its own sum).
 */

/** Pairs of rows per block, largest first; a remaining single row runs in scalar code. */
const PAIR_TIERS = [4, 2, 1] as const;
const MAX_ROWS = 2 * Math.max(...PAIR_TIERS);

/** Where a block's values are: row j of the block starts at `stream + q + offs[j]`. */
interface Block {
  readonly q: Local;
  readonly sp: Local;
  readonly t: Local;
  readonly offs: readonly Local[];
  readonly chunkEnd: Local;
  readonly rowEnd: Local;
}

/**
 * One row of each stream of a block: every value position in order, four at a time then one at a
 * time. `body(p, v)` gets, per stream, the local holding the f64x2 of pair p at that position
 * (lane 0 row 2p, lane 1 row 2p + 1); with `scalar`, the block is one row and v holds an f64.
 */
function overPositions(
  f: FuncBuilder,
  b: Block,
  streams: readonly Local[],
  pairs: number,
  body: (p: number, v: readonly Local[]) => void,
  scratch: { lo: Local[]; hi: Local[]; v: Local[]; s: Local[] },
  scalar: boolean,
): void {
  const addr = (stream: Local, j: number): void => {
    f.get(stream).get(b.t).i32Add();
    if (j > 0) f.get(b.offs[j]!).i32Add();
  };
  f.i32(0).set(b.sp);
  if (!scalar) {
    f.block().loop();
    f.get(b.sp).get(b.chunkEnd).i32GeU().brIf(1);
    f.get(b.q).get(b.sp).i32Add().set(b.t);
    for (let p = 0; p < pairs; p++) {
      streams.forEach((stream, k) => {
        const [lo, hi] = [scratch.lo[k]!, scratch.hi[k]!];
        // lo, hi = rows 2p and 2p + 1, then their values interleaved: (a0, b0, a1, b1), (a2, b2, a3, b3)
        addr(stream, 2 * p);
        f.v128Load(0).set(lo);
        addr(stream, 2 * p + 1);
        f.v128Load(0).set(hi);
        f.get(lo).get(hi).i8x16Shuffle(INTERLEAVE_HIGH);
        f.get(lo).get(hi).i8x16Shuffle(INTERLEAVE_LOW).set(lo);
        f.set(hi);
      });
      for (let pos = 0; pos < 4; pos++) {
        streams.forEach((_, k) => {
          const src = pos < 2 ? scratch.lo[k]! : scratch.hi[k]!;
          f.get(src);
          if (pos % 2 === 1) f.get(src).i8x16Shuffle(HIGH_HALF);
          f.f64x2PromoteLowF32x4().set(scratch.v[k]!);
        });
        body(p, scratch.v);
      }
    }
    f.inc(b.sp, 16).br(0);
    f.end().end();
  }
  f.block().loop();
  f.get(b.sp).get(b.rowEnd).i32GeU().brIf(1);
  f.get(b.q).get(b.sp).i32Add().set(b.t);
  if (scalar) {
    streams.forEach((stream, k) => {
      addr(stream, 0);
      f.f32Load().f64PromoteF32().set(scratch.s[k]!);
    });
    body(0, scratch.s);
  } else {
    for (let p = 0; p < pairs; p++) {
      streams.forEach((stream, k) => {
        addr(stream, 2 * p + 1);
        addr(stream, 2 * p);
        f.v128Load32Zero(0).v128Load32Lane(1, 0).f64x2PromoteLowF32x4().set(scratch.v[k]!);
      });
      body(p, scratch.v);
    }
  }
  f.inc(b.sp, 4).br(0);
  f.end().end();
}

function blockLocals(f: FuncBuilder, spatial: Local, streams: number) {
  const rowBytes = f.local('i32');
  const offs: Local[] = [];
  for (let j = 0; j < MAX_ROWS; j++) offs.push(f.local('i32'));
  const block: Block = {
    q: f.local('i32'),
    sp: f.local('i32'),
    t: f.local('i32'),
    offs,
    chunkEnd: f.local('i32'),
    rowEnd: f.local('i32'),
  };
  const scratch = { lo: [] as Local[], hi: [] as Local[], v: [] as Local[], s: [] as Local[] };
  for (let k = 0; k < streams; k++) {
    scratch.lo.push(f.local('v128'));
    scratch.hi.push(f.local('v128'));
    scratch.v.push(f.local('v128'));
    scratch.s.push(f.local('f64'));
  }
  f.get(spatial).i32(2).i32Shl().tee(rowBytes).set(block.rowEnd);
  f.get(spatial).i32(-4).i32And().i32(2).i32Shl().set(block.chunkEnd);
  for (let j = 0; j < MAX_ROWS; j++) f.get(rowBytes).i32(j).i32Mul().set(offs[j]!);
  return { rowBytes, block, scratch };
}

/**
 * bnMoments(x, channels, spatial, n0, n1, out) when withM2, else channelSums(…): per channel c of
 * samples [n0, n1), with values in n then s order,
 *   sum = Σ x (from +0);  mean = sum / ((n1 − n0)·spatial);  m2 = Σ (x − mean)² (from +0)
 * bnMoments writes mean at out + 8·c and m2 at out + 8·(channels + c) (n1 > n0); channelSums
 * writes sum at out + 8·c (0 when n1 = n0).
 */
export function channelChainsFn(exportName: string, withM2: boolean): FuncBuilder {
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
  const count = f.local('f64');
  const countV = f.local('v128');
  const acc: Local[] = [];
  const mean: Local[] = [];
  for (let p = 0; p < MAX_ROWS / 2; p++) acc.push(f.local('v128'));
  for (let p = 0; p < MAX_ROWS / 2; p++) mean.push(f.local('v128'));
  const acc1 = f.local('f64');
  const mean1 = f.local('f64');
  const d = f.local('v128');
  const d1 = f.local('f64');
  const { rowBytes, block, scratch } = blockLocals(f, spatial, 1);

  f.get(n1).get(n0).i32Sub().get(spatial).i32Mul().f64ConvertI32U().tee(count);
  f.f64x2Splat().set(countV);

  /** Every sample's row of the block at channel c, in sample order. */
  const overSamples = (
    pairs: number,
    scalar: boolean,
    body: (p: number, v: readonly Local[]) => void,
  ) => {
    f.get(n0).set(n);
    f.block().loop();
    f.get(n).get(n1).i32GeU().brIf(1);
    // q = (n·channels + c)·rowBytes
    f.get(n).get(channels).i32Mul().get(c).i32Add().get(rowBytes).i32Mul().set(block.q);
    overPositions(f, block, [x], pairs, body, scratch, scalar);
    f.inc(n, 1).br(0);
    f.end().end();
  };
  const store = (value: Local, at: number, scalar: boolean, second: boolean): void => {
    // out + 8·(c + (second ? channels : 0)) + 8·at
    f.get(out).get(c);
    if (second) f.get(channels).i32Add();
    f.i32(3).i32Shl().i32Add().get(value);
    if (scalar) f.f64Store(8 * at);
    else f.v128Store(8 * at);
  };

  f.i32(0).set(c);
  for (const tier of [...PAIR_TIERS, 0]) {
    const scalar = tier === 0;
    const rows = scalar ? 1 : 2 * tier;
    const pairs = scalar ? 1 : tier;
    f.block().loop();
    // while c + rows ≤ channels
    f.get(c).i32(rows).i32Add().get(channels).i32GtS().brIf(1);
    if (scalar) f.f64Const0().set(acc1);
    else for (let p = 0; p < pairs; p++) f.v128Zero().set(acc[p]!);
    overSamples(pairs, scalar, (p, v) => {
      if (scalar) f.get(acc1).get(v[0]!).f64Add().set(acc1);
      else f.get(acc[p]!).get(v[0]!).f64x2Add().set(acc[p]!);
    });
    if (withM2) {
      if (scalar) f.get(acc1).get(count).f64Div().set(mean1).f64Const0().set(acc1);
      else
        for (let p = 0; p < pairs; p++) {
          f.get(acc[p]!).get(countV).f64x2Div().set(mean[p]!).v128Zero().set(acc[p]!);
        }
      overSamples(pairs, scalar, (p, v) => {
        if (scalar) {
          f.get(v[0]!).get(mean1).f64Sub().tee(d1).get(d1).f64Mul();
          f.get(acc1).f64Add().set(acc1);
        } else {
          f.get(v[0]!).get(mean[p]!).f64x2Sub().tee(d).get(d).f64x2Mul();
          f.get(acc[p]!).f64x2Add().set(acc[p]!);
        }
      });
      if (scalar) {
        store(mean1, 0, true, false);
        store(acc1, 0, true, true);
      } else
        for (let p = 0; p < pairs; p++) {
          store(mean[p]!, 2 * p, false, false);
          store(acc[p]!, 2 * p, false, true);
        }
    } else if (scalar) store(acc1, 0, true, false);
    else for (let p = 0; p < pairs; p++) store(acc[p]!, 2 * p, false, false);
    f.inc(c, rows).br(0);
    f.end().end();
  }
  return f;
}

/**
 * bnRowSums(dy, xhat, rows, spatial, out): per row r, in value order from +0,
 *   Σdy at out + 8·r and Σdy·xhat at out + 8·(rows + r)
 * (local-reductions.ts computeLocalReductions' inner sums).
 */
export function rowSumsFn(): FuncBuilder {
  const f = new FuncBuilder('bnRowSums', 5);
  const [dy, xhat, rows, spatial, out] = f.params as [Local, Local, Local, Local, Local];
  const r = f.local('i32');
  const sDy: Local[] = [];
  const sDyX: Local[] = [];
  for (let p = 0; p < MAX_ROWS / 2; p++) sDy.push(f.local('v128'));
  for (let p = 0; p < MAX_ROWS / 2; p++) sDyX.push(f.local('v128'));
  const sDy1 = f.local('f64');
  const sDyX1 = f.local('f64');
  const { rowBytes, block, scratch } = blockLocals(f, spatial, 2);

  const store = (value: Local, at: number, scalar: boolean, second: boolean): void => {
    f.get(out).get(r);
    if (second) f.get(rows).i32Add();
    f.i32(3).i32Shl().i32Add().get(value);
    if (scalar) f.f64Store(8 * at);
    else f.v128Store(8 * at);
  };

  f.i32(0).set(r);
  for (const tier of [...PAIR_TIERS, 0]) {
    const scalar = tier === 0;
    const count = scalar ? 1 : 2 * tier;
    const pairs = scalar ? 1 : tier;
    f.block().loop();
    f.get(r).i32(count).i32Add().get(rows).i32GtS().brIf(1);
    if (scalar) f.f64Const0().set(sDy1).f64Const0().set(sDyX1);
    else for (let p = 0; p < pairs; p++) f.v128Zero().set(sDy[p]!).v128Zero().set(sDyX[p]!);
    f.get(r).get(rowBytes).i32Mul().set(block.q);
    overPositions(
      f,
      block,
      [dy, xhat],
      pairs,
      (p, v) => {
        if (scalar) {
          f.get(sDy1).get(v[0]!).f64Add().set(sDy1);
          f.get(sDyX1).get(v[0]!).get(v[1]!).f64Mul().f64Add().set(sDyX1);
        } else {
          f.get(sDy[p]!).get(v[0]!).f64x2Add().set(sDy[p]!);
          f.get(sDyX[p]!).get(v[0]!).get(v[1]!).f64x2Mul().f64x2Add().set(sDyX[p]!);
        }
      },
      scratch,
      scalar,
    );
    if (scalar) {
      store(sDy1, 0, true, false);
      store(sDyX1, 0, true, true);
    } else
      for (let p = 0; p < pairs; p++) {
        store(sDy[p]!, 2 * p, false, false);
        store(sDyX[p]!, 2 * p, false, true);
      }
    f.inc(r, count).br(0);
    f.end().end();
  }
  return f;
}
