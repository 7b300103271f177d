import type { RunConfig } from '../config/schema.ts';
import type { BnSpans } from './bn-span.ts';
import type { Device } from './device.ts';
import type { StepCollective } from './step-collective.ts';

/**
 * Running statistics after a step (and after PreciseBN): 'sync' replicas already agree (updated
 * from the global moments); 'rank0' copies device 0's buffers to everyone, as DDP's
 * broadcast_buffers does; 'mean' averages them. Nothing to do when every span is the whole run.
 */
export class RunningStatsPolicy {
  constructor(
    private readonly devices: readonly Device[],
    private readonly policy: RunConfig['runningStats'],
    private readonly spans: BnSpans,
    /** Devices in the run (all workers'), not only this group's. */
    private readonly deviceCount: number,
    private readonly collective: StepCollective,
  ) {}

  async apply(): Promise<void> {
    const policy = this.policy;
    const first = this.devices[0]!;
    const everyoneAgrees = this.spans.spanOf[0]!.length === this.deviceCount;
    if (first.bufferCount === 0 || policy === 'sync' || everyoneAgrees) return;
    const local = new Map(this.devices.map((d) => [d.rank, d.copyBuffers()]));
    const out = new Float32Array(first.bufferCount);
    if (policy === 'mean') {
      await this.collective.allReduceSum('buffers', local, out);
      const k = this.deviceCount;
      for (let i = 0; i < out.length; i++) out[i] = out[i]! / k;
    } else {
      const payloads = new Map([...local].map(([rank, b]) => [rank, Float64Array.from(b)]));
      const all = await this.collective.allGather('buffers', payloads);
      out.set(all[0]!.subarray(0, out.length));
    }
    for (const d of this.devices) d.loadBuffers(out);
  }
}
