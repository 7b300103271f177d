import { LOCALE_STATUS_EVENT } from '@lit/localize';
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
import { saveNotice } from './save-notice.ts';
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
/**
 * At most this many runs of a study train at once; the others wait for a free slot. Every run has
 * its own device workers (and its own dataset and model replicas), so memory and threads grow
 * with each run while two cores go no faster: four covers every preset (at most three runs) and a
 * compare of four values side by side, and a longer compare still finishes.
 */
export const MAX_CONCURRENT_RUNS = 4;

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
  /** A run is starting, training or paused (and more may be waiting for a slot). */
  readonly busy: boolean;
  /** Paused, or asked to pause (the run stops before its next step). */
  readonly paused: boolean;
  /** Of all planned runs together, 0–100. */
  readonly percent: number;
  /** Of the runs training now together. */
  readonly stepsPerSec: number;
  /** Until every planned run is done, at the current speed. */
  readonly etaMs: number;
  /**
   * Index of the run the device panel shows first (the runs train together, so none is "the one
   * training now"): the study's first run that normalizes with batch statistics, whose devices
   * have statistics of their own to show; else its first run. -1 before any.
   */
  readonly featured: number;
  /** Something about saving the user must know (storage full, library closed). */
  readonly notice: string | null;
}

export interface SessionDeps {
  readonly spawn: CoordinatorFactory;
  /** The library to save into, or null (runs still train, unsaved). */
  /** The library to save into (or the promise of it while it opens), or null: not saved. */
  readonly store: () => RecorderStore | null | Promise<RecorderStore | null>;
  /** Runs were created or changed in the library. */
  readonly onLibraryChanged?: () => void;
  /** A run saved more steps (a checkpoint): the library may show it when convenient. */
  readonly onLibraryProgress?: () => void;
  /** Paces host updates (default: the page's render clock, shared with the charts). */
  readonly clock?: RenderClock;
  /** Runs training at once (default MAX_CONCURRENT_RUNS; 1 trains them one after another). */
  readonly maxConcurrent?: number;
}

const EMPTY_VIEW: SessionView = {
  runs: [],
  busy: false,
  paused: false,
  percent: 0,
  stepsPerSec: 0,
  etaMs: 0,
  featured: -1,
  notice: null,
};

let nextKey = 1;

/**
 * Trains the planned runs at the same time (up to MAX_CONCURRENT_RUNS), so their curves grow
 * together, in one coordinator worker, each with its own device workers and RunRecorder; keeps what their events
 * say (rows, one growing telemetry, progress) and asks its host to render on the page's render
 * clock (at most 5 times a second, in the same bursts as the charts; at once after a user's
 * action). Pause, resume and stop apply to every run; a run that fails does not stop the others.
 * The engine is deterministic per config, so a run's numbers do not depend on its neighbours.
 */
export class SessionController implements ReactiveController {
  private shown: SessionView = EMPTY_VIEW;
  private stale = false;
  private runs: LiveRun[] = [];
  private busy = false;
  private stopRequested = false;
  /** Pause asked for: applied as soon as a worker is up, and kept for runs still waiting. */
  private pauseRequested = false;
  /**
   * What the user must know about saving, per run (index), in the order it happened; written
   * when read, so a language switch rewrites it.
   */
  private notices = new Map<number, () => string>();
  /** A storage-full notice says how to make room once, in the first run that hit it. */
  private quotaExplained = false;
  /** The coordinator worker of the study in progress: every run of it trains there. */
  private current: CoordinatorHandle | null = null;
  /** The coordinator worker kept from the last clean study, for the next one. */
  private idle: CoordinatorHandle | null = null;
  /** The recorders of the runs training now. */
  private readonly recorders = new Set<RunRecorder>();
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
      const notice =
        this.notices.size > 0 ? [...this.notices.values()].map((n) => n()).join(' ') : null;
      this.shown = buildView(this.runs, this.busy, notice, this.pauseRequested);
    }
    return this.shown;
  }

  /** A language switch: the notices are rewritten in the new language. */
  private readonly onLocaleStatus = (event: Event): void => {
    if ((event as CustomEvent<{ status: string }>).detail?.status !== 'ready') return;
    if (this.notices.size > 0) this.publish(false);
  };

  hostConnected(): void {
    globalThis.addEventListener?.(LOCALE_STATUS_EVENT, this.onLocaleStatus);
  }

  hostDisconnected(): void {
    globalThis.removeEventListener?.(LOCALE_STATUS_EVENT, this.onLocaleStatus);
    this.stop();
    this.clock.cancel(this.render);
    this.idle?.terminate();
    this.idle = null;
  }

  /**
   * Start a coordinator worker ahead of the first study and let it load the data and the device
   * workers of `runs` runs of `devices` devices side by side, so a click on Run starts every run at
   * once. A failure here is not reported: the study that follows starts a fresh worker and says
   * what went wrong.
   */
  prewarm(devices: number, runs = 1): void {
    if (this.idle || this.busy) return;
    const handle = this.deps.spawn();
    this.idle = handle;
    Promise.race([
      handle.api.prepare(devices, Math.min(runs, MAX_CONCURRENT_RUNS)),
      handle.died,
    ]).catch(() => {
      if (this.idle !== handle) return; // a study took it: its runs report the failure
      this.idle = null;
      handle.terminate();
    });
  }

  /**
   * Train `plans` together in one coordinator worker (at most `maxConcurrent` at once, the rest as
   * slots free up, in order); resolves when the last one settles. Ignored while busy. The worker
   * loads the digits once for all of them; it is kept for the next study only if every run ended
   * cleanly (a failed run's worker may be stuck or hold bad state).
   */
  async start(plans: readonly PlannedRun[]): Promise<void> {
    if (this.busy || plans.length === 0) return;
    this.busy = true;
    this.stopRequested = false;
    this.pauseRequested = false;
    this.notices = new Map();
    this.quotaExplained = false;
    this.runs = plans.map((p) =>
      newLiveRun(`live-${nextKey++}`, p.label, p.config, p.resume?.history),
    );
    this.publish(true);
    // The coordinator of the last clean study, warm (its code compiled, its device workers idle).
    const handle = this.idle ?? this.deps.spawn();
    this.idle = null;
    this.current = handle;
    let clean = true;
    handle.died.catch(() => {
      clean = false;
    });
    let next = 0;
    // One lane per slot: each takes the next planned run when its last one settles.
    const lane = async (): Promise<void> => {
      while (next < plans.length) {
        const index = next++;
        if (this.stopRequested) this.update(index, (r) => ({ ...r, status: 'cancelled' }));
        else if (!(await this.runOne(index, plans[index]!, handle))) clean = false;
      }
    };
    const slots = Math.max(
      1,
      Math.min(this.deps.maxConcurrent ?? MAX_CONCURRENT_RUNS, plans.length),
    );
    try {
      await Promise.all(Array.from({ length: slots }, lane));
    } finally {
      this.current = null;
      if (clean) this.idle = handle;
      else handle.terminate();
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

  /** Stop every run in progress (cleanly, after its current step) and cancel those waiting. */
  stop(): void {
    this.stopRequested = true;
    this.current?.api.stop();
  }

  /**
   * The store's background writes failed (it reports them globally, and its write buffer holds
   * every run's rows): stop saving each run training now, say so.
   */
  storeWriteFailed(error: unknown): void {
    for (const recorder of this.recorders) recorder.fail(error);
  }

  /** Train one planned run on the study's coordinator; true when it ended cleanly. */
  private async runOne(
    index: number,
    plan: PlannedRun,
    handle: CoordinatorHandle,
  ): Promise<boolean> {
    this.update(index, (r) => ({ ...r, status: 'starting' }));
    const recorder = new RunRecorder(this.deps.store(), (p) =>
      this.saveProblem(index, recorder, p),
    );
    this.recorders.add(recorder);
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

    let clean = false;
    try {
      const options = {
        checkpointEvery: CHECKPOINT_EVERY,
        ...(plan.resume ? { resumeFrom: plan.resume.checkpoint } : {}),
      };
      const done = handle.api.run(plan.config, options, Comlink.proxy(onEvent));
      // Asked for while the run was starting: sent after `run`, which the worker handles first
      // (it applies to every run there, all of which were asked the same).
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
    }
    await recorder.settled();
    this.recorders.delete(recorder);
    this.deps.onLibraryChanged?.();
    return clean;
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
    // Full storage fails every run's writes: the first to hit it says how to make room.
    const firstQuota = problem.kind === 'quota' && !this.quotaExplained;
    if (problem.kind === 'quota') this.quotaExplained = true;
    const facts = {
      label: run?.label ?? null,
      settled: run !== undefined && isSettled(run.status),
      step: run?.step ?? 0,
      checkpointStep: recorder.savedCheckpointStep,
      firstQuota,
    };
    this.notices.set(index, () => saveNotice(problem, facts));
    if (problem.kind === 'quota') this.stop();
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

/** Norms whose devices normalize with batch statistics (their own or the merged ones). */
const BATCH_STAT_NORMS: readonly string[] = ['batch', 'ghost', 'renorm'];

/** See SessionView.featured. */
export function featuredRun(runs: readonly LiveRun[]): number {
  if (runs.length === 0) return -1;
  return Math.max(
    0,
    runs.findIndex((r) => BATCH_STAT_NORMS.includes(r.config.model.norm)),
  );
}

/**
 * The session as the page shows it. The runs train together, so the speed is the sum of the
 * speeds of those training now, and the ETA is every unfinished step at that speed (runs still
 * waiting for a slot included).
 */
export function buildView(
  runs: readonly LiveRun[],
  busy: boolean,
  notice: string | null,
  pauseRequested = false,
): SessionView {
  let rate = 0;
  let remaining = 0;
  for (const r of runs) {
    if (isSettled(r.status)) continue;
    remaining += Math.max(0, r.steps - r.step);
    if (r.status === 'running') rate += r.stepsPerSec;
  }
  return {
    runs,
    busy,
    paused: busy && (pauseRequested || runs.some((r) => r.status === 'paused')),
    percent: overallPercent(runs.map((r) => ({ done: r.step, total: r.steps }))),
    stepsPerSec: busy ? rate : 0,
    etaMs: busy && rate > 0 ? (remaining / rate) * 1000 : 0,
    featured: featuredRun(runs),
    notice,
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
