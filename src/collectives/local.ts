import {
  type CallTag,
  type Collective,
  type CollectiveStats,
  newStats,
  sumInOrder,
} from './collective.ts';

/** All devices in one thread: the exchange is a lookup (used by the in-process host and tests). */
export class LocalCollective implements Collective {
  readonly transport = 'local';
  readonly stats: CollectiveStats = newStats();

  constructor(private readonly devices: number) {}

  async allGather(
    _tag: CallTag,
    local: ReadonlyMap<number, Float64Array>,
  ): Promise<readonly Float64Array[]> {
    this.stats.calls++;
    const all: Float64Array[] = [];
    for (let k = 0; k < this.devices; k++) {
      const payload = local.get(k);
      if (!payload) throw new Error(`LocalCollective: device ${k} gave no payload`);
      all.push(payload);
    }
    return all;
  }

  async allReduceSum(
    _tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void> {
    this.stats.calls++;
    const parts: Float32Array[] = [];
    for (let k = 0; k < this.devices; k++) {
      const v = local.get(k);
      if (!v) throw new Error(`LocalCollective: device ${k} gave no vector`);
      parts.push(v);
    }
    sumInOrder(parts, out);
  }

  abort(): void {}
}
