import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunConfig } from '../../config/schema.ts';
import type { RunEvent } from '../../coordinator/events.ts';
import { errorMessage } from '../../core/error-message.ts';
import type {
  CoordinatorFactory,
  CoordinatorHandle,
} from '../../platform/browser/coordinator-client.ts';
import type { Checkpoint } from '../../workers/checkpoint.ts';
import { explainFailure } from '../model/explain-failure.ts';
import { overallPercent } from '../model/format.ts';
import { pageClock, type RenderClock, RenderJob } from '../render-clock.ts';
import {
  applyEvent,
  isSettled,
  type LiveRun,
  type LiveRunHistory,
  newLiveRun,
} from './live-run.ts';
import { type RecorderStore, RunRecorder, type SaveProblem } from './run-recorder.ts';

/** The session sends a checkpoint this often; a reload loses at most this many steps. */
export const CHECKPOINT_EVERY = 25;
/** After `run` resolves, events still in flight on the callback's port get this long to land. */
const LAST_EVENT_GRACE_MS = 3000;

export interface PlannedRun {
  /** Legend label ("local BN"). */
  readonly label: string;
  /** Name in the library. */
  readonly name: string;
  readonly config: RunConfig;
  /** Continue a saved run from its checkpoint (the engine reproduces the same numbers). */
  readonly resume?: {
    readonly storeId: string;
    readonly checkpoint: Checkpoint;
    readonly history: LiveRunHistory;
  };
}

export interface SessionView {
  readonly runs: readonly LiveRun[];
  /** A run is starting, training or paused (and more may be queued). */
  readonly busy: boolean;
  /** Paused, or asked to pause (the run stops before its next step). */
  readonly paused: boolean;
  /** Of all planned runs together, 0–100. */
  readonly percent: number;
  readonly stepsPerSec: number;
  /** Until every planned run is done, at the current speed. */
  readonly etaMs: number;
  /** Index of the run training now (or the last one that did), -1 before any. */
  readonly active: number;
  /** Something about saving the user must know (storage full, library closed). */
  readonly notice: string | null;
}

export interface SessionDeps {
  readonly spawn: CoordinatorFactory;
  /** The library to save into, or null (runs still train, unsaved). */
  readonly store: () => RecorderStore | null;
  /** Runs were created or changed in the library. */
  readonly onLibraryChanged?: () => void;
  /** A run saved more steps (a checkpoint): the library may show it when convenient. */
  readonly onLibraryProgress?: () => void;
  /** Paces host updates (default: the page's render clock, shared with the charts). */
  readonly clock?: RenderClock;
}

const EMPTY_VIEW: SessionView = {
  runs: [],
  busy: false,
  paused: false,
  percent: 0,
  stepsPerSec: 0,
  etaMs: 0,
  active: -1,
  notice: null,
};

let nextKey = 1;

/**
 * Trains the planned runs one after another, each in its own coordinator worker, keeps what their
 * events say (rows, one growing telemetry, progress), saves them through a RunRecorder and asks
 * its host to render on the page's render clock (at most 5 times a second, in the same bursts as
 * the charts; at once after a user's action).
 */
export class SessionController implements ReactiveController {
  private shown: SessionView = EMPTY_VIEW;
  private stale = false;
  private runs: LiveRun[] = [];
  private active = -1;
  private busy = false;
  private stopRequested = false;
  /** Pause asked for: applied as soon as a worker is up, and kept for the next run in the queue. */
  private pauseRequested = false;
  private notice: string | null = null;
  private current: CoordinatorHandle | null = null;
  /** The coordinator worker kept from the last clean run, for the next one. */
  private idle: CoordinatorHandle | null = null;
  private recorder: RunRecorder | null = null;
  private readonly clock: RenderClock;
  private readonly render = new RenderJob(() => this.host.requestUpdate());

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly deps: SessionDeps,
  ) {
    this.clock = deps.clock ?? pageClock;
    host.addController(this);
  }

  /** What the session shows, always current (built when read after a change). */
  get view(): SessionView {
    if (this.stale) {
      this.stale = false;
      this.shown = buildView(this.runs, this.active, this.busy, this.notice, this.pauseRequested);
    }
    return this.shown;
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.stop();
    this.clock.cancel(this.render);
    this.idle?.terminate();
    this.idle = null;
  }

  /**
   * Start a coordinator worker ahead of the first run and let it load the data and the device
   * workers for `devices` devices, so a click on Run starts training at once. A failure here is not reported: the run
   * that follows starts a fresh worker and says what went wrong.
   */
  prewarm(devices: number): void {
    if (this.idle || this.busy) return;
    const handle = this.deps.spawn();
    this.idle = handle;
    Promise.race([handle.api.prepare(devices), handle.died]).catch(() => {
      if (this.idle !== handle) return; // a run took it: the run reports its failure
      this.idle = null;
      handle.terminate();
    });
  }

  /** Train `plans` in order; resolves when the last one settles. Ignored while busy. */
  async start(plans: readonly PlannedRun[]): Promise<void> {
    if (this.busy || plans.length === 0) return;
    this.busy = true;
    this.stopRequested = false;
    this.pauseRequested = false;
    this.notice = null;
    this.runs = plans.map((p) =>
      newLiveRun(`live-${nextKey++}`, p.label, p.config, p.resume?.history),
    );
    this.active = -1;
    this.publish(true);
    try {
      for (let i = 0; i < plans.length; i++) {
        if (this.stopRequested) {
          this.runs = this.runs.map((r, j) => (j >= i ? { ...r, status: 'cancelled' } : r));
          break;
        }
        this.active = i;
        await this.runOne(i, plans[i]!);
      }
    } finally {
      this.busy = false;
      this.publish(true);
    }
  }

  pause(): void {
    if (!this.busy) return;
    this.pauseRequested = true;
    this.current?.api.pause();
    this.publish(true);
  }

  resume(): void {
    this.pauseRequested = false;
    this.current?.api.resume();
    this.publish(true);
  }

  /** Stop the run in progress (cleanly, after its current step) and cancel the queued ones. */
  stop(): void {
    this.stopRequested = true;
    this.current?.api.stop();
  }

  /** The store's background writes failed (it reports them globally): stop saving, say so. */
  storeWriteFailed(error: unknown): void {
    this.recorder?.fail(error);
  }

  private async runOne(index: number, plan: PlannedRun): Promise<void> {
    this.update(index, (r) => ({ ...r, status: 'starting' }));
    const recorder = new RunRecorder(this.deps.store(), (p) =>
      this.saveProblem(index, recorder, p),
    );
    this.recorder = recorder;
    recorder.begin(plan.config, plan.name, plan.resume?.storeId ?? null).then((id) => {
      if (id) {
        this.update(index, (r) => ({ ...r, storeId: id }));
        this.deps.onLibraryChanged?.();
      }
    });

    let terminal = false;
    let sawTerminal: () => void = () => {};
    const terminalSeen = new Promise<void>((resolve) => {
      sawTerminal = resolve;
    });
    const onEvent = (event: RunEvent): void => {
      if (terminal) return;
      this.update(index, (r) => applyEvent(r, event));
      this.record(recorder, index, event);
      if (event.type === 'finished' || event.type === 'failed') {
        terminal = true;
        sawTerminal();
      }
    };

    let handle: CoordinatorHandle | null = null;
    let clean = false;
    try {
      // The coordinator of the last clean run, warm (its code compiled, its device workers idle).
      handle = this.idle ?? this.deps.spawn();
      this.idle = null;
      this.current = handle;
      const options = {
        checkpointEvery: CHECKPOINT_EVERY,
        ...(plan.resume ? { resumeFrom: plan.resume.checkpoint } : {}),
      };
      const done = handle.api.run(plan.config, options, Comlink.proxy(onEvent));
      // Asked for while the worker was starting: sent after `run`, which the worker handles first.
      if (this.stopRequested) handle.api.stop();
      else if (this.pauseRequested) handle.api.pause();
      await Promise.race([done, handle.died]);
      await Promise.race([terminalSeen, delay(LAST_EVENT_GRACE_MS)]);
      if (!terminal) throw new Error('the run ended without saying how');
      clean = this.runs[index]?.status !== 'failed';
    } catch (error) {
      if (!terminal)
        onEvent({
          type: 'failed',
          message: errorMessage(error),
        });
    } finally {
      this.current = null;
      // A failed or crashed run's worker is never reused: it may be stuck or hold bad state.
      if (clean && handle) this.idle = handle;
      else handle?.terminate();
    }
    await recorder.settled();
    if (this.recorder === recorder) this.recorder = null;
    this.deps.onLibraryChanged?.();
  }

  /** Persist what one event says; the recorder orders the writes after the run's record. */
  private record(recorder: RunRecorder, index: number, event: RunEvent): void {
    switch (event.type) {
      case 'steps':
        recorder.steps(event.rows, event.telemetry);
        break;
      case 'eval':
        recorder.evaluation(event.row);
        break;
      case 'checkpoint':
        recorder.checkpoint(event.checkpoint);
        recorder.settled().then(() => this.deps.onLibraryProgress?.());
        break;
      case 'finished': {
        const run = this.runs[index]!;
        const last = run.train[run.train.length - 1];
        recorder.finish(event.status, {
          stepsDone: last?.step ?? run.step,
          testAcc: event.final.testAcc,
          testLoss: event.final.testLoss,
        });
        break;
      }
      case 'failed': {
        const run = this.runs[index]!;
        recorder.finish('failed', {
          stepsDone: run.train[run.train.length - 1]?.step ?? run.fromStep,
          error: run.failure?.summary ?? explainFailure(event.message, run.config).summary,
        });
        break;
      }
      default:
        break;
    }
  }

  private saveProblem(index: number, recorder: RunRecorder, problem: SaveProblem): void {
    const run = this.runs[index];
    const at = recorder.savedCheckpointStep;
    const kept =
      at === null
        ? 'The library keeps its settings, but no checkpoint, so it cannot be resumed.'
        : `The library keeps everything up to step ${at} (its last checkpoint); once there is room it can be resumed from there.`;
    const name = `“${run?.label ?? 'the run'}”`;
    if (problem.kind === 'quota') {
      const what =
        run && isSettled(run.status)
          ? `the end of ${name} could not be saved`
          : `${name} was stopped at step ${run?.step ?? 0}`;
      this.notice = `The browser’s storage for this site is full, so ${what}. ${kept} Free space by exporting and deleting old runs in the library below.`;
      this.stop();
    } else {
      this.notice = `Saving ${name} to the library failed, so the rest of it is not saved (${problem.message}). ${kept}`;
    }
    this.publish(true);
  }

  private update(index: number, change: (run: LiveRun) => LiveRun): void {
    const run = this.runs[index];
    if (!run) return;
    this.runs = this.runs.slice();
    this.runs[index] = change(run);
    this.publish(false);
  }

  /**
   * The view changed: render on the next burst of the render clock, or, after a user's action
   * (`now`), in this task: a click must not show the last run's state (its 100%) for a frame.
   */
  private publish(now: boolean): void {
    this.stale = true;
    if (!now) {
      this.clock.request(this.render);
      return;
    }
    this.clock.cancel(this.render);
    this.host.requestUpdate();
  }
}

export function buildView(
  runs: readonly LiveRun[],
  active: number,
  busy: boolean,
  notice: string | null,
  pauseRequested = false,
): SessionView {
  const current = runs[active];
  const rate = current?.stepsPerSec ?? 0;
  let remaining = 0;
  for (const r of runs) if (!isSettled(r.status)) remaining += Math.max(0, r.steps - r.step);
  return {
    runs,
    busy,
    paused: busy && (pauseRequested || current?.status === 'paused'),
    percent: overallPercent(runs.map((r) => ({ done: r.step, total: r.steps }))),
    stepsPerSec: busy ? rate : 0,
    etaMs: busy && rate > 0 ? (remaining / rate) * 1000 : 0,
    active,
    notice,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
