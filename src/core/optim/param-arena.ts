import { InPlaceKernels } from '../kernels/in-place-kernels.ts';

/** Bytes before the vectors: the in-place kernels' scalars. */
const HEADER_BYTES = 32;

/**
 * One replica's parameters, gradients and optimizer state in a WebAssembly memory of their own,
 * so the update runs in place: `sgdUpdate` finds arrays that live here (`InPlaceKernels.of`) and
 * hands the SIMD kernel their offsets instead of copying them in and out (the copies cost as much
 * as the update). The memory is sized once and never grows, so the views stay valid for the run.
 */
export class ParamArena {
  private constructor(
    readonly params: Float32Array,
    readonly grads: Float32Array,
    readonly state: readonly Float32Array[],
  ) {}

  /** An arena for `count` parameters and `stateVectors` state vectors; null without WebAssembly SIMD. */
  static create(count: number, stateVectors: number): ParamArena | null {
    const stride = 4 * Math.ceil(count / 4) * 4;
    const bytes = HEADER_BYTES + (2 + stateVectors) * stride;
    const memory = new WebAssembly.Memory({ initial: Math.ceil(bytes / 65536) });
    if (!InPlaceKernels.attach(memory, false, 0)) return null;
    const at = (i: number) => new Float32Array(memory.buffer, HEADER_BYTES + i * stride, count);
    return new ParamArena(
      at(0),
      at(1),
      Array.from({ length: stateVectors }, (_, i) => at(2 + i)),
    );
  }
}
