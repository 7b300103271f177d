/**
 * A minimal WebAssembly binary encoder: just enough to hand-assemble the numeric kernels from
 * TypeScript, so the module's bytes are built at load time from reviewable source (no binary
 * blob, no toolchain). Only i32 parameters and i32/v128/f32 locals, one memory, no imports.
 */

export type ValType = 'i32' | 'f32' | 'f64' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

function uleb(n: number, out: number[]): void {
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(n: number, out: number[]): void {
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return;
  }
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/** A local variable handle (its index in the function). */
export type Local = number & { readonly __local: unique symbol };

/**
 * Builds one function body. Instruction methods append bytes and return `this`, so code reads as
 * a stack-machine listing.
 */
export class FuncBuilder {
  readonly code: number[] = [];
  readonly params: Local[];
  private readonly localTypes: ValType[] = [];
  private readonly paramCount: number;

  constructor(
    readonly exportName: string,
    paramCount: number,
  ) {
    this.paramCount = paramCount;
    this.params = Array.from({ length: paramCount }, (_, i) => i as Local);
  }

  local(type: ValType): Local {
    this.localTypes.push(type);
    return (this.paramCount + this.localTypes.length - 1) as Local;
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(opcode, this.code);
    return this;
  }

  private memarg(alignLog2: number, offset: number): this {
    uleb(alignLog2, this.code);
    uleb(offset, this.code);
    return this;
  }

  // Control.
  block(): this {
    return this.op(0x02, 0x40);
  }
  loop(): this {
    return this.op(0x03, 0x40);
  }
  if_(): this {
    return this.op(0x04, 0x40);
  }
  else_(): this {
    return this.op(0x05);
  }
  end(): this {
    return this.op(0x0b);
  }
  br(depth: number): this {
    this.op(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.op(0x0d);
    uleb(depth, this.code);
    return this;
  }

  // Locals.
  get(l: Local): this {
    this.op(0x20);
    uleb(l, this.code);
    return this;
  }
  set(l: Local): this {
    this.op(0x21);
    uleb(l, this.code);
    return this;
  }
  tee(l: Local): this {
    this.op(0x22);
    uleb(l, this.code);
    return this;
  }

  // i32.
  i32(n: number): this {
    this.op(0x41);
    sleb(n, this.code);
    return this;
  }
  i32Add(): this {
    return this.op(0x6a);
  }
  i32Sub(): this {
    return this.op(0x6b);
  }
  i32Mul(): this {
    return this.op(0x6c);
  }
  i32Shl(): this {
    return this.op(0x74);
  }
  i32And(): this {
    return this.op(0x71);
  }
  i32ShrU(): this {
    return this.op(0x76);
  }
  i32LtU(): this {
    return this.op(0x49);
  }
  i32GeU(): this {
    return this.op(0x4f);
  }
  i32GtS(): this {
    return this.op(0x4a);
  }

  i32Load(offset = 0): this {
    return this.op(0x28).memarg(2, offset);
  }

  // f32 / f64 scalars.
  f64Load(offset = 0): this {
    return this.op(0x2b).memarg(3, offset);
  }
  f64Ne(): this {
    return this.op(0x62);
  }
  i32Eq(): this {
    return this.op(0x46);
  }
  i32Ne(): this {
    return this.op(0x47);
  }
  f32Load(offset = 0): this {
    return this.op(0x2a).memarg(2, offset);
  }
  f32Store(offset = 0): this {
    return this.op(0x38).memarg(2, offset);
  }
  f32Add(): this {
    return this.op(0x92);
  }
  f32Const0(): this {
    return this.op(0x43, 0, 0, 0, 0);
  }
  f64Const0(): this {
    return this.op(0x44, 0, 0, 0, 0, 0, 0, 0, 0);
  }
  f64Add(): this {
    return this.op(0xa0);
  }
  f64Sub(): this {
    return this.op(0xa1);
  }
  f64Mul(): this {
    return this.op(0xa2);
  }
  f64Div(): this {
    return this.op(0xa3);
  }
  f64Store(offset = 0): this {
    return this.op(0x39).memarg(3, offset);
  }
  /** f64.convert_i32_u: an unsigned i32, exactly (every i32 fits a float64). */
  f64ConvertI32U(): this {
    return this.op(0xb8);
  }
  f64PromoteF32(): this {
    return this.op(0xbb);
  }
  f32DemoteF64(): this {
    return this.op(0xb6);
  }

  /** memory.copy (bulk memory): [dst, src, bytes] → [], overlap-safe like memmove. */
  memoryCopy(): this {
    return this.op(0xfc, 0x0a, 0x00, 0x00);
  }

  // SIMD.
  v128Load(offset = 0): this {
    return this.simd(0x00).memarg(4, offset);
  }
  v128Load32Splat(offset = 0): this {
    return this.simd(0x09).memarg(2, offset);
  }
  /** v128.load64_splat: one f64 (or i64) from memory in both lanes. */
  v128Load64Splat(offset = 0): this {
    return this.simd(0x0a).memarg(3, offset);
  }
  /** v128.load32_zero: one f32 (or i32) into lane 0, zeros above. */
  v128Load32Zero(offset = 0): this {
    return this.simd(0x5c).memarg(2, offset);
  }
  /** v128.load32_lane: [address, v128] → the v128 with lane `lane` loaded from memory. */
  v128Load32Lane(lane: number, offset = 0): this {
    this.simd(0x56).memarg(2, offset);
    this.code.push(lane);
    return this;
  }
  /** v128.load64_zero: 8 bytes (two f32) into the low half, zeros above. */
  v128Load64Zero(offset = 0): this {
    return this.simd(0x5d).memarg(3, offset);
  }
  /** v128.store64_lane: [address, v128] → stores 8 bytes, lane `lane` of the i64x2 view. */
  v128Store64Lane(lane: number, offset = 0): this {
    this.simd(0x5b).memarg(3, offset);
    this.code.push(lane);
    return this;
  }
  v128Store(offset = 0): this {
    return this.simd(0x0b).memarg(4, offset);
  }
  v128Zero(): this {
    this.simd(0x0c);
    for (let i = 0; i < 16; i++) this.code.push(0);
    return this;
  }
  f32x4Max(): this {
    return this.simd(0xe9);
  }
  i32x4GtS(): this {
    return this.simd(0x3b);
  }
  v128And(): this {
    return this.simd(0x4e);
  }
  /** v128.bitselect: [a, b, mask] → (a & mask) | (b & ~mask). */
  v128Bitselect(): this {
    return this.simd(0x52);
  }
  i32x4Add(): this {
    return this.simd(0xae);
  }
  i32x4Eq(): this {
    return this.simd(0x37);
  }
  /** i32x4.all_true: 1 when every lane is nonzero, else 0. */
  i32x4AllTrue(): this {
    return this.simd(0xa3);
  }
  i32x4ExtractLane(lane: number): this {
    this.simd(0x1b);
    this.code.push(lane);
    return this;
  }
  i32x4Splat(): this {
    return this.simd(0x11);
  }
  /** i32x4.shr_s: [v128, i32 count] → v128. */
  i32x4ShrS(): this {
    return this.simd(0xac);
  }
  /** i32x4.shr_u: [v128, i32 count] → v128. */
  i32x4ShrU(): this {
    return this.simd(0xad);
  }
  v128Xor(): this {
    return this.simd(0x51);
  }
  /** v128.const from 16 little-endian bytes. */
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new Error('v128.const needs 16 bytes');
    this.simd(0x0c);
    for (const b of bytes) this.code.push(b & 0xff);
    return this;
  }
  /** i8x16.shuffle of two vectors: lane i of the result is byte lanes[i] of a‖b (0…31). */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new Error('i8x16.shuffle needs 16 lane indices');
    this.simd(0x0d);
    for (const l of lanes) this.code.push(l);
    return this;
  }
  /** f64x2.promote_low_f32x4: lanes 0 and 1 of an f32x4, widened exactly. */
  f64x2PromoteLowF32x4(): this {
    return this.simd(0x5f);
  }
  /** f32x4.demote_f64x2_zero: both f64 lanes rounded to f32 in lanes 0 and 1, zeros above. */
  f32x4DemoteF64x2Zero(): this {
    return this.simd(0x5e);
  }
  f64x2Add(): this {
    return this.simd(0xf0);
  }
  f64x2Div(): this {
    return this.simd(0xf3);
  }
  f64x2Splat(): this {
    return this.simd(0x14);
  }
  f64x2Mul(): this {
    return this.simd(0xf2);
  }
  f64x2Sub(): this {
    return this.simd(0xf1);
  }
  f32x4Add(): this {
    return this.simd(0xe4);
  }
  f32x4Mul(): this {
    return this.simd(0xe6);
  }

  /** `l += n` for an i32 local and a constant n. */
  inc(l: Local, n: number): this {
    return this.get(l).i32(n).i32Add().set(l);
  }

  /** `l += m` for i32 locals. */
  incBy(l: Local, m: Local): this {
    return this.get(l).get(m).i32Add().set(l);
  }

  encodeBody(): number[] {
    const body: number[] = [];
    const groups: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = groups[groups.length - 1];
      if (last && last[1] === t) last[0]++;
      else groups.push([1, t]);
    }
    uleb(groups.length, body);
    for (const [count, t] of groups) {
      uleb(count, body);
      body.push(VALTYPE[t]);
    }
    body.push(...this.code, 0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    out.push(...body);
    return out;
  }

  get arity(): number {
    return this.paramCount;
  }
}

function section(id: number, payload: number[], out: number[]): void {
  out.push(id);
  uleb(payload.length, out);
  out.push(...payload);
}

/**
 * A module of void functions taking only i32 parameters, plus one exported memory ("memory")
 * of `initialPages` 64 KiB pages that the host grows as needed; with `importMemory` the memory is
 * not the module's own but imported as env.memory (at least `initialPages`; `'shared'`: a shared
 * memory), so the host can run the functions on a memory it keeps
 * other data in, shared between threads or not.
 */
export function encodeModule(
  funcs: readonly FuncBuilder[],
  initialPages: number,
  importMemory: false | 'own' | 'shared' = false,
): Uint8Array<ArrayBuffer> {
  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

  const arities = [...new Set(funcs.map((f) => f.arity))];
  const types: number[] = [];
  uleb(arities.length, types);
  for (const n of arities) {
    types.push(0x60);
    uleb(n, types);
    for (let i = 0; i < n; i++) types.push(VALTYPE.i32);
    types.push(0);
  }
  section(1, types, out);

  if (importMemory) {
    const imp: number[] = [1];
    name('env', imp);
    name('memory', imp);
    // A shared memory must state a maximum (limits flag 3): any up to 4 GiB is accepted.
    imp.push(0x02, importMemory === 'shared' ? 0x03 : 0x00);
    uleb(initialPages, imp);
    if (importMemory === 'shared') uleb(65536, imp);
    section(2, imp, out);
  }

  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  for (const f of funcs) uleb(arities.indexOf(f.arity), fsec);
  section(3, fsec, out);

  if (!importMemory) {
    const mem: number[] = [1, 0x00];
    uleb(initialPages, mem);
    section(5, mem, out);
  }

  const exp: number[] = [];
  uleb(funcs.length + 1, exp);
  name('memory', exp);
  exp.push(0x02, 0);
  funcs.forEach((f, i) => {
    name(f.exportName, exp);
    exp.push(0x00);
    uleb(i, exp);
  });
  section(7, exp, out);

  const code: number[] = [];
  uleb(funcs.length, code);
  for (const f of funcs) code.push(...f.encodeBody());
  section(10, code, out);

  return Uint8Array.from(out);
}
