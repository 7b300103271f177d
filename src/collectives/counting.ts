import type { CallTag, Collective, CollectiveKind, CollectiveStats } from './collective.ts';

/**
 * A Collective that records what passes through another one, call by call: its kind, layer and
 * how many values each device contributed. Added for the cost model's consistency test (the
 * cost model's collectives per step must be the ones the simulator issues); it changes nothing
 * it forwards.
 */
export interface CountedCall {
  readonly kind: CollectiveKind;
  readonly op: 'allGather' | 'allReduceSum';
  readonly layer: string;
  readonly step: number;
  /** Values device by device, as contributed by the devices this worker hosts. */
  readonly valuesPerDevice: readonly number[];
}

export class CountingCollective implements Collective {
  readonly calls: CountedCall[] = [];

  constructor(private readonly inner: Collective) {}

  get transport(): Collective['transport'] {
    return this.inner.transport;
  }

  get stats(): CollectiveStats {
    return this.inner.stats;
  }

  allGather(
    tag: CallTag,
    local: ReadonlyMap<number, Float64Array>,
  ): Promise<readonly Float64Array[]> {
    this.record(tag, 'allGather', local);
    return this.inner.allGather(tag, local);
  }

  allReduceSum(
    tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void> {
    this.record(tag, 'allReduceSum', local);
    return this.inner.allReduceSum(tag, local, out);
  }

  abort(reason: string): void {
    this.inner.abort(reason);
  }

  private record(
    tag: CallTag,
    op: CountedCall['op'],
    local: ReadonlyMap<number, ArrayLike<number>>,
  ): void {
    this.calls.push({
      kind: tag.kind,
      op,
      layer: tag.layer,
      step: tag.step,
      valuesPerDevice: [...local.values()].map((v) => v.length),
    });
  }
}
