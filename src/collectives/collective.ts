/**
 * Collectives between the workers that host a run's devices. Every worker calls the same
 * collectives in the same order (as DDP ranks do); each call carries a tag so that a worker that
 * calls something the others do not is named instead of leaving everyone waiting.
 *
 * Payloads are per DEVICE, not per worker, and every reduction runs in device order 0..K−1, so the
 * numbers never depend on how devices are spread over workers or on timing.
 */

import { activeWasmKernels } from '../core/kernels/gemm.ts';

export type CollectiveKind = 'moments' | 'reductions' | 'gradients' | 'buffers' | 'params';

/**
 * ZeRO-1 through shared memory: one replica's parameters and optimizer state, shared by every
 * worker, and the part of them this worker updates (the slice of the gradient it sums in
 * allReduceSum). After each worker has updated its slice, `barrier` makes the whole update seen.
 */
export interface ParameterShard {
  readonly from: number;
  readonly to: number;
  /** The replica's parameters, every one end to end in model order (shared by all workers). */
  readonly params: Float32Array;
  /** The optimizer's flat state vectors, likewise shared. */
  readonly state: readonly Float32Array[];
  /**
   * Where allReduceSum leaves the summed gradient for every worker (params long): the shard's
   * optimizer reads its slice from here, and an allReduceSum into this very array copies nothing.
   */
  readonly gradients: Float32Array;
}

export interface CallTag {
  readonly step: number;
  readonly kind: CollectiveKind;
  /** The BN layer's index and name for moments/reductions; -1 and '' otherwise. */
  readonly layerIndex: number;
  readonly layer: string;
}

export interface CollectiveStats {
  calls: number;
  /** Bytes written into and read out of the exchange. */
  bytes: number;
  /** Time spent waiting for the other workers. */
  waitMs: number;
}

export interface Collective {
  readonly transport: 'local' | 'shared-memory' | 'message-port';
  /** Contribute this worker's devices' payloads; returns every device's payload in device order. */
  allGather(
    tag: CallTag,
    local: ReadonlyMap<number, Float64Array>,
  ): Promise<readonly Float64Array[]>;
  /**
   * Element-wise sum of every device's vector, added in device order in float64 and rounded once,
   * written into `out` (the same bits on every worker).
   */
  allReduceSum(
    tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void>;
  /**
   * Optional: where device `rank` may write its vector of `length` floats for allReduceSum so that
   * the exchange reads it in place (shared memory). A vector passed to allReduceSum that is this
   * very array is not copied. The slot is this device's until the call returns.
   */
  stagingFor?(rank: number, length: number): Float32Array | null;
  /**
   * Optional: the shared replica for `params` parameters and `stateVectors` optimizer state
   * vectors and this worker's shard of it, or null where workers cannot share memory (each then
   * updates its own whole replica, as DDP ranks do).
   */
  shard?(params: number, stateVectors: number): ParameterShard | null;
  /** Returns once every worker has called it with the same tag (with `shard`). */
  barrier?(tag: CallTag): Promise<void>;
  /**
   * With `shard`: allReduceSum's sum of the first `length` elements, but only this worker's shard
   * of it is ready when it returns (in the shard's `gradients`), and nobody waits for the other
   * shards (a reduce-scatter). The caller must reach `barrier` before any worker contributes again.
   */
  reduceScatterSum?(
    tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    length: number,
  ): Promise<void>;
  readonly stats: CollectiveStats;
  /** Tell the others this worker failed, so they stop waiting at once. */
  abort(reason: string): void;
}

export function newStats(): CollectiveStats {
  return { calls: 0, bytes: 0, waitMs: 0 };
}

export function describeTag(tag: CallTag): string {
  return tag.layer ? `${tag.kind} of layer ${tag.layer}` : tag.kind;
}

/** Sum vectors in the given (device) order in float64, rounding once into `out`. */
export function sumInOrder(
  parts: readonly Float32Array[],
  out: Float32Array,
  from = 0,
  to = out.length,
): void {
  const first = parts[0];
  if (!first) {
    out.fill(0, from, to);
    return;
  }
  if (parts.length === 1) {
    out.set(first.subarray(from, to), from);
    return;
  }
  // WebAssembly SIMD when the kernels are active (the same float64 additions, two lanes at once).
  const wasm = activeWasmKernels();
  if (wasm) {
    wasm.sumInOrder(parts, out, from, to);
    return;
  }
  // Block by block, so the float64 accumulator stays in the first-level cache while every
  // device's vector streams through it once (the whole accumulator, device after device, went
  // out to memory and back once per device). Each element is still ((v₀ + v₁) + v₂) + … in
  // device order, rounded once: the same bits.
  const acc = scratch;
  for (let b0 = from; b0 < to; b0 += SUM_BLOCK) {
    const b1 = Math.min(to, b0 + SUM_BLOCK);
    const len = b1 - b0;
    for (let i = 0; i < len; i++) acc[i] = first[b0 + i]!;
    let k = 1;
    // Four devices per sweep (added one after another, in order): a quarter of the
    // accumulator's loads and stores.
    for (; k + 4 <= parts.length; k += 4) {
      const p0 = parts[k]!;
      const p1 = parts[k + 1]!;
      const p2 = parts[k + 2]!;
      const p3 = parts[k + 3]!;
      for (let i = 0, j = b0; i < len; i++, j++) {
        acc[i] = acc[i]! + p0[j]! + p1[j]! + p2[j]! + p3[j]!;
      }
    }
    for (; k < parts.length; k++) {
      const part = parts[k]!;
      for (let i = 0, j = b0; i < len; i++, j++) acc[i] = acc[i]! + part[j]!;
    }
    for (let i = 0; i < len; i++) out[b0 + i] = acc[i]!;
  }
}

/** Elements per block of sumInOrder: a 16 KB float64 accumulator. */
const SUM_BLOCK = 2048;
/** Reused by sumInOrder: a hot loop allocates nothing. */
const scratch = new Float64Array(SUM_BLOCK);

/** "device 3 (worker 1)" or "devices 4–7 (worker 1)", for messages that name who failed. */
export function describeWorker(ranksOf: readonly (readonly number[])[], worker: number): string {
  return `${describeDevices(ranksOf[worker] ?? [])} (worker ${worker})`;
}

export function describeDevices(ranks: readonly number[]): string {
  return ranks.length === 1
    ? `device ${ranks[0]}`
    : `devices ${ranks[0]}–${ranks[ranks.length - 1]}`;
}

/** The error every transport gives when workers arrive at different collectives. */
export function mismatchError(tag: CallTag, me: string, other: string, theirs: string): Error {
  return new Error(
    `collective mismatch at step ${tag.step}: ${me} called ${describeTag(tag)} but ${other} called ${theirs}; every device must run the same layers in the same order`,
  );
}

/** The error every transport gives when some workers never arrive. */
export function timeoutError(
  tag: CallTag,
  missing: readonly string[],
  me: string,
  timeoutMs: number,
): Error {
  return new Error(
    `${missing.join(', ') || 'another worker'} did not reach ${describeTag(tag)} at step ${tag.step} within ${timeoutMs} ms (${me} waited); a device stopped answering or skipped a collective`,
  );
}
