import type { Remote } from 'comlink';

/**
 * The one shape of a started worker behind Comlink, whichever host made it (a page's Web Worker,
 * a Node worker_thread) and whatever it runs (device groups, the coordinator, an experiment).
 * `src/platform` makes them; the coordinator's worker pool and the app's controllers use them.
 */
export interface WorkerHandle<Api> {
  readonly api: Remote<Api>;
  /** Rejects, with a message naming the worker, if it fails to load, crashes or exits. Never resolves. */
  readonly died: Promise<never>;
  /** Stop the worker now (whatever it is doing). */
  terminate(): void;
  /** Give an idle, healthy worker back for another run (pooled device workers only). */
  release?(): void;
}
