import { msg, str } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CheckpointRecord, LoadedMetrics, RunRecord } from '../../store/index.ts';
import { telemetryUpTo } from '../model/append-telemetry.ts';
import type { PlannedRun } from '../session/session-controller.ts';

/** Why a saved run cannot continue: it has no checkpoint yet. */
export function cannotResume(run: RunRecord): string {
  const name = run.name;
  return msg(
    str`“${name}” stopped before its first checkpoint (one is saved every 25 steps), so it cannot continue. Use “Edit settings” to start it again.`,
  );
}

/** The run that continues a saved one from its checkpoint, with its saved curves up to that step. */
export function resumePlan(
  id: string,
  run: RunRecord,
  ck: CheckpointRecord,
  metrics: LoadedMetrics | null,
): PlannedRun {
  const history = {
    train: (metrics?.train ?? []).filter((r) => r.step <= ck.step),
    eval: (metrics?.eval ?? []).filter((r) => r.step <= ck.step),
    telemetry: metrics?.telemetry ? telemetryUpTo(metrics.telemetry, ck.step) : null,
    fromStep: ck.step,
  };
  const checkpoint = {
    step: ck.step,
    params: ck.params,
    buffers: ck.buffers,
    optimizer: ck.optimizer,
  };
  return {
    label: run.name,
    name: run.name,
    config: run.config,
    resume: { storeId: id, checkpoint, history },
  };
}

/** What resuming needs: the library's records and the training session. */
export interface ResumeDeps {
  getRun(id: string): Promise<RunRecord | undefined>;
  latestCheckpoint(id: string): Promise<CheckpointRecord | null>;
  loadMetrics(id: string): Promise<LoadedMetrics | null>;
  /** A run is in progress (resuming waits for it to end). */
  busy(): boolean;
  start(plans: PlannedRun[]): void;
}

/** Continue an interrupted run from its latest checkpoint, or say why it cannot. */
export class ResumeController implements ReactiveController {
  /** The run the last resume could not continue (no checkpoint yet); null when none. */
  private stuck: RunRecord | null = null;

  /** Why the last resume could not start, shown in the library (in the page's language); null when none. */
  get problem(): string | null {
    return this.stuck ? cannotResume(this.stuck) : null;
  }

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: ResumeDeps,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  clear(): void {
    if (this.stuck === null) return;
    this.stuck = null;
    this.host.requestUpdate();
  }

  /** True when the run started again (the page then brings the training view into sight). */
  async resume(id: string): Promise<boolean> {
    this.clear();
    if (this.deps.busy()) return false;
    const run = await this.deps.getRun(id);
    if (!run) return false;
    const ck = await this.deps.latestCheckpoint(id);
    if (!ck) {
      this.stuck = run;
      this.host.requestUpdate();
      return false;
    }
    const metrics = await this.deps.loadMetrics(id);
    this.deps.start([resumePlan(id, run, ck, metrics)]);
    return true;
  }
}

/**
 * The interrupted run to offer at the top of the page after a reload: the one saved last, unless
 * something is training or the user dismissed it. Null when there is none to offer.
 */
export function interruptedOffer(
  runs: readonly RunRecord[],
  dismissed: ReadonlySet<string>,
  busy: boolean,
): RunRecord | null {
  if (busy) return null;
  let offer: RunRecord | null = null;
  for (const run of runs) {
    if (run.status !== 'interrupted' || dismissed.has(run.id)) continue;
    if (!offer || run.updatedAt > offer.updatedAt) offer = run;
  }
  return offer;
}

/** The offer's sentence: "‘name’ was interrupted at step N of M." */
export function interruptedText(run: RunRecord): string {
  return `‘${run.name}’ was interrupted at step ${run.summary.stepsDone} of ${run.summary.steps}.`;
}
