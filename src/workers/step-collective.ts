import type {
  CallTag,
  Collective,
  CollectiveKind,
  ParameterShard,
} from '../collectives/collective.ts';

const now = (): number => performance.now();

/**
 * The collective as one step of a device group calls it: every call is tagged with the step, its
 * kind and (for BN merges) the layer, so a worker that calls something the others do not is named;
 * the time spent waiting for the other workers is added up per step (`waitMs` in the report).
 */
export class StepCollective {
  private currentStep = 0;
  private waited = 0;
  private readonly layerIndex: ReadonlyMap<string, number>;

  constructor(
    private readonly collective: Collective,
    batchLayers: readonly { readonly name: string }[],
  ) {
    this.layerIndex = new Map(batchLayers.map((l, i) => [l.name, i]));
  }

  /** Start a training step: its calls carry `step` and its wait starts from zero. */
  beginStep(step: number): void {
    this.currentStep = step;
    this.waited = 0;
  }

  /** The last step begun (evaluation and PreciseBN run after it and name it). */
  get step(): number {
    return this.currentStep;
  }

  /** Milliseconds spent waiting in collectives since the step began. */
  get waitMs(): number {
    return this.waited;
  }

  allGather(
    kind: CollectiveKind,
    payloads: ReadonlyMap<number, Float64Array>,
    layer = '',
  ): Promise<readonly Float64Array[]> {
    return this.timed(() => this.collective.allGather(this.tag(kind, layer), payloads));
  }

  /** See Collective.stagingFor: a device's vector the exchange reads in place, if it offers one. */
  stagingFor(rank: number, length: number): Float32Array | null {
    return this.collective.stagingFor?.(rank, length) ?? null;
  }

  /** See Collective.shard: the shared replica and this worker's part of it, if offered. */
  shard(params: number, stateVectors: number): ParameterShard | null {
    return this.collective.shard?.(params, stateVectors) ?? null;
  }

  /** See Collective.reduceScatterSum (with `shard` only). */
  reduceScatterSum(
    kind: CollectiveKind,
    local: ReadonlyMap<number, Float32Array>,
    length: number,
  ): Promise<void> {
    const reduce = this.collective.reduceScatterSum;
    if (!reduce) throw new Error(`the ${this.collective.transport} exchange has no reduce-scatter`);
    return this.timed(() => reduce.call(this.collective, this.tag(kind), local, length));
  }

  /** Wait until every worker has reached this point of the step (with `shard` only). */
  barrier(kind: CollectiveKind): Promise<void> {
    const barrier = this.collective.barrier;
    if (!barrier) throw new Error(`the ${this.collective.transport} exchange has no barrier`);
    return this.timed(() => barrier.call(this.collective, this.tag(kind)));
  }

  allReduceSum(
    kind: CollectiveKind,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void> {
    return this.timed(() => this.collective.allReduceSum(this.tag(kind), local, out));
  }

  private tag(kind: CollectiveKind, layer = ''): CallTag {
    return {
      step: this.currentStep,
      kind,
      layer,
      layerIndex: layer ? (this.layerIndex.get(layer) ?? -1) : -1,
    };
  }

  private async timed<T>(f: () => Promise<T>): Promise<T> {
    const t = now();
    try {
      return await f();
    } finally {
      this.waited += now() - t;
    }
  }
}
