import { sgdStepFn, writeSgdScalars } from './sgd-wasm.ts';
import { sumPartsFn } from './sum-parts-wasm.ts';
import { encodeModule } from './wasm-encoder.ts';

type SgdStep = (
  w: number,
  g: number,
  b: number,
  bytes: number,
  scalars: number,
  rule: number,
) => void;
type SumParts = (src: number, count: number, stride: number, bytes: number, dst: number) => void;

const compiled = new Map<'own' | 'shared', WebAssembly.Module | null>();
function moduleFor(kind: 'own' | 'shared'): WebAssembly.Module | null {
  if (!compiled.has(kind)) {
    try {
      compiled.set(
        kind,
        new WebAssembly.Module(encodeModule([sgdStepFn(), sumPartsFn()], 1, kind)),
      );
    } catch {
      compiled.set(kind, null);
    }
  }
  return compiled.get(kind)!;
}

const byBuffer = new WeakMap<ArrayBufferLike, InPlaceKernels>();

/**
 * The SIMD kernels run straight on vectors that live in a WebAssembly memory of their own: a
 * replica's arena (`ParamArena`) or the memory the workers of a run share (the shared-memory
 * exchange's). Nothing is copied in or out, where the general kernels copy into their scratch
 * (and copies out of memory other threads wrote cost more than the arithmetic). Each thread
 * attaches its own instance, with its own 32 bytes of scalars.
 */
export class InPlaceKernels {
  private readonly scalars: Float64Array;
  private readonly ex: { sgdStep: SgdStep; sumParts: SumParts };

  private constructor(
    private readonly buffer: ArrayBufferLike,
    instance: WebAssembly.Instance,
    private readonly scalarsAt: number,
  ) {
    this.scalars = new Float64Array(buffer, scalarsAt, 4);
    this.ex = instance.exports as unknown as { sgdStep: SgdStep; sumParts: SumParts };
  }

  /**
   * This thread's kernels on `memory` (never grown: views of it stay valid), with bytes
   * scalarsAt … scalarsAt + 31 for this thread alone; null without WebAssembly SIMD.
   */
  static attach(
    memory: WebAssembly.Memory,
    shared: boolean,
    scalarsAt: number,
  ): InPlaceKernels | null {
    const module = moduleFor(shared ? 'shared' : 'own');
    if (!module) return null;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const kernels = new InPlaceKernels(memory.buffer, instance, scalarsAt);
    byBuffer.set(memory.buffer, kernels);
    return kernels;
  }

  /** The kernels attached in this thread to the memory `a` lives in, if any. */
  static of(a: Float32Array): InPlaceKernels | null {
    return byBuffer.get(a.buffer) ?? null;
  }

  holds(a: Float32Array): boolean {
    return a.buffer === this.buffer;
  }

  /**
   * SGD's `rule` (sgd-wasm.ts) in place over the first ⌊n/4⌋·4 elements of w, grad and buf (all
   * held here, n = w.length); returns how many it updated (the caller finishes the ≤ 3 left,
   * which the kernel's 16-byte steps would run past).
   */
  sgd(
    w: Float32Array,
    grad: Float32Array,
    buf: Float32Array | null,
    rule: number,
    mu: number,
    lr: number,
    wd: number,
    nesterov: boolean,
  ): number {
    const n = w.length & ~3;
    if (n === 0) return 0;
    writeSgdScalars(this.scalars, mu, lr, wd, nesterov);
    this.ex.sgdStep(
      w.byteOffset,
      grad.byteOffset,
      buf ? buf.byteOffset : 0,
      n * 4,
      this.scalarsAt,
      rule,
    );
    return n;
  }

  /**
   * out[i] = f32(((p₀[i] + p₁[i]) + …) in float64 for the first ⌊n/4⌋·4 elements, where part k
   * starts `stride` floats after part k−1 and `first` is part 0 (all held here, out too); returns
   * how many it summed (the caller sums the ≤ 3 left).
   */
  sumParts(
    first: Float32Array,
    count: number,
    stride: number,
    n: number,
    out: Float32Array,
  ): number {
    const m = n & ~3;
    if (m > 0) this.ex.sumParts(first.byteOffset, count, stride * 4, m * 4, out.byteOffset);
    return m;
  }
}
