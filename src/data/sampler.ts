import { Rng } from '../core/rng.ts';

/**
 * Endless global batches of sample indices in [0, n). Each epoch is a fresh Fisher–Yates
 * permutation of 0…n−1 drawn from one continuing stream, Rng.stream(seed, 'data/order'); batches are
 * consecutive slices of it. Tail rule: the last n mod batch samples of an epoch's permutation are
 * DROPPED (PyTorch's drop_last), so every batch has exactly `batch` distinct samples from a single
 * epoch and shard sizes never change; since each epoch reshuffles, different samples sit out each
 * time. An epoch therefore has floor(n / batch) batches; batch > n is rejected.
 */
export class EpochSampler {
  readonly batchesPerEpoch: number;
  private readonly rng: Rng;
  private readonly order: Int32Array;
  private cursor = 0;
  private epochIndex = 0;

  constructor(
    readonly n: number,
    readonly batch: number,
    seed: number,
  ) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`EpochSampler: n = ${n}`);
    if (!Number.isInteger(batch) || batch < 1 || batch > n) {
      throw new RangeError(
        `EpochSampler: a global batch of ${batch} does not fit in ${n} training samples`,
      );
    }
    this.batchesPerEpoch = Math.floor(n / batch);
    this.rng = Rng.stream(seed, 'data/order');
    this.order = new Int32Array(n);
    this.reshuffle();
  }

  /** The epoch (from 0) of the batch most recently returned by next(). */
  get epoch(): number {
    return this.epochIndex;
  }

  /** Indices of the next global batch: a new array the caller owns (it may be transferred). */
  next(): Int32Array {
    if (this.cursor + this.batch > this.n) {
      this.epochIndex++;
      this.reshuffle();
    }
    const out = this.order.slice(this.cursor, this.cursor + this.batch);
    this.cursor += this.batch;
    return out;
  }

  private reshuffle(): void {
    for (let i = 0; i < this.n; i++) this.order[i] = i;
    this.rng.shuffle(this.order);
    this.cursor = 0;
  }
}
