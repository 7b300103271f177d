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
  allGather(tag: CallTag, local: ReadonlyMap<number, Float64Array>): Promise<readonly Float64Array[]>;
  /**
   * Element-wise sum of every device's vector, added in device order in float64 and rounded once,
   * written into `out` (the same bits on every worker).
   */
  allReduceSum(tag: CallTag, local: ReadonlyMap<number, Float32Array>, out: Float32Array): Promise<void>;
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
export function sumInOrder(parts: readonly Float32Array[], out: Float32Array, from = 0, to = out.length): void {
  const first = parts[0];
  if (!first) {
    out.fill(0, from, to);
    return;
  }
  if (parts.length === 1) {
    out.set(first.subarray(from, to), from);
    return;
  }
  for (let i = from; i < to; i++) {
    let s = 0;
    for (let k = 0; k < parts.length; k++) s += parts[k]![i]!;
    out[i] = s;
  }
}
