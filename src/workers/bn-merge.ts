import type { RunConfig } from '../config/schema.ts';
import type { SyncReply, SyncRequest } from '../core/model/sync.ts';
import { mergeMoments, sumReductions } from '../core/norm/merge.ts';
import type { Moments, Reductions } from '../core/norm/moments.ts';
import type { BnSpans } from './bn-span.ts';
import type { Device } from './device.ts';
import type { MergePoint } from './lockstep.ts';
import type { PassKind } from './reports.ts';
import type { StepCollective } from './step-collective.ts';
import type { MomentsTelemetry } from './step-telemetry.ts';
import { packMoments, packReductions, unpackMoments, unpackReductions } from './sync-payload.ts';

/**
 * The BN merges of a device group: at a merge point every device's moments (forward) or Σdy and
 * Σdy·x̂ (backward) are exchanged through the collective and merged, in device order, over each
 * device's span (`bn-span.ts`). `devices[i]`'s request is `requests[i]`.
 */
export class BnMerge implements MergePoint {
  constructor(
    private readonly devices: readonly Device[],
    private readonly spans: BnSpans,
    private readonly runningStats: RunConfig['runningStats'],
    private readonly collective: StepCollective,
    private readonly telemetry: MomentsTelemetry,
  ) {}

  /** Merge each device's statistics over its span, in device order. */
  async answer(requests: readonly SyncRequest[], kind: PassKind): Promise<SyncReply[]> {
    const first = requests[0]!;
    if (first.phase === 'moments') {
      const moments = requests.map(
        (r) => (r as Extract<SyncRequest, { phase: 'moments' }>).moments,
      );
      const replies = await this.answerMoments(first.layer, moments);
      if (kind === 'train' && this.telemetry.recording) {
        const used = replies.map((r) => (r as Extract<SyncReply, { phase: 'moments' }>).merged);
        const span = this.spans.spanOf[this.devices[0]!.rank]!;
        this.telemetry.record(
          first.layer,
          this.devices,
          moments,
          used.map((m) => m.normalize),
          span.length === this.spans.spanOf.length,
        );
      }
      return replies;
    }
    const reductions = requests.map(
      (r) => (r as Extract<SyncRequest, { phase: 'reductions' }>).reductions,
    );
    return this.answerReductions(first.layer, reductions);
  }

  private async answerMoments(layer: string, local: readonly Moments[]): Promise<SyncReply[]> {
    // Under the 'sync' policy the running (and PreciseBN) statistics come from all devices.
    const syncRunning = this.runningStats === 'sync';
    if (!this.spans.communicates && !syncRunning) {
      return local.map((m) => ({ phase: 'moments', merged: { normalize: m, running: m } }));
    }
    const payloads = new Map(this.devices.map((d, i) => [d.rank, packMoments(local[i]!)]));
    const all = (await this.collective.allGather('moments', payloads, layer)).map(unpackMoments);
    const global = syncRunning ? mergeMoments(all) : null;
    const bySpan = new Map<readonly number[], Moments>();
    return this.devices.map((d) => {
      const span = this.spans.spanOf[d.rank]!;
      let merged = bySpan.get(span);
      if (!merged) {
        merged = mergeMoments(span.map((k) => all[k]!));
        bySpan.set(span, merged);
      }
      return { phase: 'moments', merged: { normalize: merged, running: global ?? merged } };
    });
  }

  private async answerReductions(
    layer: string,
    local: readonly Reductions[],
  ): Promise<SyncReply[]> {
    if (!this.spans.communicates) return local.map((r) => ({ phase: 'reductions', summed: r }));
    const payloads = new Map(this.devices.map((d, i) => [d.rank, packReductions(local[i]!)]));
    const all = (await this.collective.allGather('reductions', payloads, layer)).map(
      unpackReductions,
    );
    const bySpan = new Map<readonly number[], Reductions>();
    return this.devices.map((d) => {
      const span = this.spans.spanOf[d.rank]!;
      let summed = bySpan.get(span);
      if (!summed) {
        summed = sumReductions(span.map((k) => all[k]!));
        bySpan.set(span, summed);
      }
      return { phase: 'reductions', summed };
    });
  }
}
