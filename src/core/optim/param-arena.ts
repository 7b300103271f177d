import { encodeModule } from '../kernels/wasm-encoder.ts';
import { sgdStepFn, writeSgdScalars } from '../kernels/sgd-wasm.ts';

type SgdStep = (
  w: number,
  g: number,
  b: number,
  bytes: number,
  scalars: number,
  rule: number,
) => void;

/** The SGD kernel alone, on a memory given to it (env.memory). */
let sgdModule: WebAssembly.Module | null | undefined;
function sgdKernelModule(): WebAssembly.Module | null {
  if (sgdModule === undefined) {
    try {
      sgdModule = new WebAssembly.Module(encodeModule([sgdStepFn()], 1, true));
    } catch {
      sgdModule = null;
    }
  }
  return sgdModule;
}

/** The arena that owns an ArrayBuffer, if any. */
const arenas = new WeakMap<ArrayBufferLike, ParamArena>();

/** Bytes before the vectors: the kernel's four float64 scalars. */
const HEADER_BYTES = 32;

/**
 * One replica's parameters, gradients and optimizer state in a WebAssembly memory of their own,
 * so the update runs in place: `sgdUpdate` finds arrays that live here and hands the SIMD kernel
 * their offsets instead of copying them in and out (the copies cost as much as the update). The
 * memory is sized once and never grows, so the views stay valid for the run.
 */
export class ParamArena {
  readonly params: Float32Array;
  readonly grads: Float32Array;
  readonly state: readonly Float32Array[];
  private readonly scalars: Float64Array;
  private readonly step: SgdStep;

  private constructor(
    private readonly memory: WebAssembly.Memory,
    instance: WebAssembly.Instance,
    count: number,
    stateVectors: number,
  ) {
    const buffer = memory.buffer;
    const stride = 4 * Math.ceil(count / 4) * 4;
    const at = (i: number) => HEADER_BYTES + i * stride;
    this.scalars = new Float64Array(buffer, 0, 4);
    this.params = new Float32Array(buffer, at(0), count);
    this.grads = new Float32Array(buffer, at(1), count);
    this.state = Array.from(
      { length: stateVectors },
      (_, i) => new Float32Array(buffer, at(2 + i), count),
    );
    this.step = (instance.exports as { sgdStep: SgdStep }).sgdStep;
    arenas.set(buffer, this);
  }

  /** An arena for `count` parameters and `stateVectors` state vectors; null without WebAssembly SIMD. */
  static create(count: number, stateVectors: number): ParamArena | null {
    const module = sgdKernelModule();
    if (!module) return null;
    const bytes = HEADER_BYTES + (2 + stateVectors) * 4 * Math.ceil(count / 4) * 4;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    return new ParamArena(memory, instance, count, stateVectors);
  }

  /** The arena whose memory holds `a`, if any. */
  static of(a: Float32Array): ParamArena | null {
    return arenas.get(a.buffer) ?? null;
  }

  /** Whether `a` is a view of this arena's memory. */
  holds(a: Float32Array): boolean {
    return a.buffer === this.memory.buffer;
  }

  /**
   * sgd-wasm.ts's `rule` in place over the first ⌊n/4⌋·4 elements of w, grad and buf (all views
   * of this arena, n = w.length); returns how many it updated (the caller finishes the ≤ 3 left,
   * which the kernel's 16-byte steps would run past into the next parameter).
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
    this.step(w.byteOffset, grad.byteOffset, buf ? buf.byteOffset : 0, n * 4, 0, rule);
    return n;
  }
}
