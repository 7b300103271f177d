import * as Comlink from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunEvent } from '../../coordinator/events.ts';
import { errorMessage } from '../../core/error-message.ts';
import {
  type CoordinatorFactory,
  type CoordinatorHandle,
  startCoordinatorWorker,
} from '../../platform/browser/coordinator-client.ts';
import {
  COMPARED_NORMS,
  COMPARISON_STEPS,
  type ComparedNorm,
  comparisonConfig,
} from './model/small-batch-norms.ts';

export type ComparisonState = 'idle' | 'running' | 'done' | 'failed';

export interface NormResult {
  readonly norm: ComparedNorm;
  readonly testAcc: number;
}

/**
 * Step 6's live comparison: trains the four norms one after another in a coordinator worker (the
 * one the lab uses, with its device workers), so the page only receives a few events a second.
 * The worker is stopped when the step leaves the page.
 */
export class NormComparisonController implements ReactiveController {
  state: ComparisonState = 'idle';
  /** Index in COMPARED_NORMS of the run training now. */
  current = 0;
  step = 0;
  readonly steps = COMPARISON_STEPS;
  results: NormResult[] = [];
  failure = '';
  private handle: CoordinatorHandle | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly spawn: CoordinatorFactory = startCoordinatorWorker,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    this.handle?.terminate();
    this.handle = null;
    if (this.state === 'running') this.state = 'idle';
  }

  /** 0…1 over all four runs. */
  get fraction(): number {
    if (this.state === 'done') return 1;
    return (this.current * this.steps + this.step) / (COMPARED_NORMS.length * this.steps);
  }

  async start(): Promise<void> {
    if (this.state === 'running') return;
    this.state = 'running';
    this.results = [];
    this.failure = '';
    this.current = 0;
    this.step = 0;
    this.host.requestUpdate();
    const handle = this.spawn();
    this.handle = handle;
    try {
      for (let i = 0; i < COMPARED_NORMS.length; i++) {
        const norm = COMPARED_NORMS[i]!;
        this.current = i;
        this.step = 0;
        this.host.requestUpdate();
        let failed: string | null = null;
        // The events come over their own channel: the last one may arrive after run() returns.
        let settle = () => {};
        const settled = new Promise<void>((resolve) => {
          settle = resolve;
        });
        const onEvent = (event: RunEvent) => {
          if (this.handle !== handle) return;
          if (event.type === 'steps') this.step = event.step;
          else if (event.type === 'finished') {
            this.step = this.steps;
            this.results = [...this.results, { norm, testAcc: event.final.testAcc }];
            settle();
          } else if (event.type === 'failed') {
            failed = event.message;
            settle();
          } else return;
          this.host.requestUpdate();
        };
        await Promise.race([
          Promise.all([
            handle.api.run(comparisonConfig(norm), { emitEveryMs: 200 }, Comlink.proxy(onEvent)),
            settled,
          ]),
          handle.died,
        ]);
        if (this.handle !== handle) return;
        if (failed !== null) throw new Error(failed);
      }
      this.state = 'done';
    } catch (e) {
      if (this.handle !== handle) return;
      this.state = 'failed';
      this.failure = errorMessage(e);
    } finally {
      if (this.handle === handle) {
        handle.terminate();
        this.handle = null;
      }
      this.host.requestUpdate();
    }
  }
}
