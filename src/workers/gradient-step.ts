import type { ParameterShard } from '../collectives/collective.ts';
import type { Device } from './device.ts';
import type { StepCollective } from './step-collective.ts';

/**
 * DDP's update: the devices' gradients are summed in device order through the collective (each is
 * already divided by its normalizer, `gradient-averaging.ts`, so the sum is the step's gradient),
 * then every replica applies the same optimizer step. Its buffers are allocated once, here.
 */
export class GradientStep {
  private readonly gradOut: Float32Array;
  private readonly paramScratch: Float32Array;
  private readonly gradLocal: Map<number, Float32Array>;

  constructor(
    private readonly devices: readonly Device[],
    private readonly collective: StepCollective,
    /**
     * The devices share one replica (`BatchedPass`): their gradients are written straight into
     * their vectors (`vectorOf`) and their parameters are one set of arrays, so neither is copied.
     */
    private readonly sharedReplica = false,
    /**
     * This group hosts every device and its pass writes the step's gradient itself (`summed`,
     * added as the all-reduce would add the devices'): nothing to exchange.
     */
    private readonly summedHere = false,
    /**
     * ZeRO-1: the workers share one replica (parameters and optimizer state in shared memory) and
     * each updates only its shard, the slice of the gradient it summed; null: every worker updates
     * its whole replica.
     */
    private readonly shard: ParameterShard | null = null,
    /**
     * The lead device's gradients as one flat vector (a ParamArena's), when they are one: the
     * step's gradient is then written there and never copied into the parameters' gradients.
     */
    private readonly leadGradients: Float32Array | null = null,
  ) {
    const paramCount = devices[0]!.paramCount;
    // A shard reads the summed gradient where the exchange leaves it; an arena's lead device
    // reads it as its own gradients; otherwise it is copied into them before the update.
    this.gradOut = shard?.gradients ?? leadGradients ?? new Float32Array(paramCount);
    this.paramScratch = new Float32Array(paramCount);
    // With a shared replica the devices' gradients are written straight into their vectors, so
    // those may be the exchange's own slots (shared memory): nothing is copied to send them.
    this.gradLocal = new Map(
      devices.map((d) => [
        d.rank,
        summedHere
          ? new Float32Array(0)
          : ((sharedReplica ? collective.stagingFor(d.rank, paramCount) : null) ??
            new Float32Array(paramCount)),
      ]),
    );
  }

  /** Device `rank`'s gradient vector, in model order (what the all-reduce sums). */
  vectorOf(rank: number): Float32Array {
    const v = this.gradLocal.get(rank);
    if (!v) throw new Error(`GradientStep: device ${rank} is not in this group`);
    return v;
  }

  /** The step's gradient (after allReduce), which a `summedHere` pass writes directly. */
  get summed(): Float32Array {
    return this.gradOut;
  }

  /** Sum every device's gradient, in device order, into the step's gradient. */
  allReduce(): Promise<void> {
    if (this.summedHere) return Promise.resolve();
    if (!this.sharedReplica) {
      for (const d of this.devices) d.copyGradients(this.gradLocal.get(d.rank)!);
    }
    // ZeRO-1: each worker needs only its shard of the sum (the update's barrier follows).
    if (this.shard)
      return this.collective.reduceScatterSum('gradients', this.gradLocal, this.gradOut.length);
    return this.collective.allReduceSum('gradients', this.gradLocal, this.gradOut);
  }

  /**
   * Apply the summed gradient with learning rate `lr`. Replicas are identical, so the devices of
   * one worker share one update: the first applies the optimizer step, the others take its
   * parameters. Without a shard each worker updates its own replica, as every DDP rank does (the
   * checksums compare workers' replicas); with one, each updates its shard of the shared replica
   * and waits until every shard is done, so the next step reads the whole update.
   */
  async update(lr: number): Promise<void> {
    const [lead, ...rest] = this.devices;
    if (this.shard) {
      const range = { from: this.shard.from, to: this.shard.to };
      lead!.optimizer.step(lr, range, this.gradOut);
      await this.collective.barrier('params');
      return;
    }
    if (this.gradOut !== this.leadGradients) lead!.loadGradients(this.gradOut);
    lead!.optimizer.step(lr);
    if (rest.length && !this.sharedReplica) {
      const params = lead!.copyParams(this.paramScratch);
      for (const d of rest) d.loadParams(params);
    }
  }
}
