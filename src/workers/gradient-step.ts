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
  ) {
    const paramCount = devices[0]!.paramCount;
    this.gradOut = new Float32Array(paramCount);
    this.paramScratch = new Float32Array(paramCount);
    this.gradLocal = new Map(devices.map((d) => [d.rank, new Float32Array(paramCount)]));
  }

  /** Sum every device's gradient, in device order, into the step's gradient. */
  allReduce(): Promise<void> {
    for (const d of this.devices) d.copyGradients(this.gradLocal.get(d.rank)!);
    return this.collective.allReduceSum('gradients', this.gradLocal, this.gradOut);
  }

  /**
   * Apply the summed gradient with learning rate `lr`. Replicas are identical, so the devices of
   * one worker share one update: the first applies the optimizer step, the others take its
   * parameters (each worker still updates its own replica, as every DDP rank does; the checksums
   * compare workers' replicas).
   */
  update(lr: number): void {
    const [lead, ...rest] = this.devices;
    lead!.loadGradients(this.gradOut);
    lead!.optimizer.step(lr);
    if (rest.length) {
      const params = lead!.copyParams(this.paramScratch);
      for (const d of rest) d.loadParams(params);
    }
  }
}
