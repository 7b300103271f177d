/**
 * Collectives between the workers that host a run's devices. Every worker calls the same
 * collectives in the same order (as DDP ranks do); each call carries a tag so that a worker that
 * calls something the others do not is named instead of leaving everyone waiting.
 *
 * Payloads are per DEVICE, not per worker, and every reduction runs in device order 0..K−1, so the
 * numbers never depend on how devices are spread over workers or on timing.
 */

export type CollectiveKind = 'moments' | 'reductions' | 'gradients' | 'buffers';

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
  // Device by device over contiguous memory into a float64 accumulator (same order per element).
  const len = to - from;
  if (scratch.length < len) scratch = new Float64Array(len);
  const acc = scratch;
  for (let i = 0; i < len; i++) acc[i] = first[from + i]!;
  for (let k = 1; k < parts.length; k++) {
    const part = parts[k]!;
    for (let i = 0; i < len; i++) acc[i] = acc[i]! + part[from + i]!;
  }
  for (let i = 0; i < len; i++) out[from + i] = acc[i]!;
}

/** Reused by sumInOrder: a hot loop allocates nothing after the first call. */
let scratch = new Float64Array(0);

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
