import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** Anything a training runs in that can be ended at once (a Web Worker's handle). */
export interface Terminable {
  terminate(): void;
}

/**
 * The one training a step's widget shows: starting a new one (the reader changed a control)
 * terminates the previous one's workers, and its late events are dropped because its ticket is
 * no longer current. disconnect() ends the current one when the step leaves the page.
 *
 * Given a host (the step's element), it is the host's controller: `train` runs when the step
 * comes onto the page and the training ends when it leaves, so a step does not repeat that.
 */
export class LatestTraining<H extends Terminable> implements ReactiveController {
  private current: { handles: H[]; id: number } | null = null;
  private nextId = 0;

  constructor(
    host?: ReactiveControllerHost,
    private readonly train?: () => void,
  ) {
    host?.addController(this);
  }

  hostConnected(): void {
    this.train?.();
  }

  hostDisconnected(): void {
    this.disconnect();
  }

  /** Terminate what runs now, start `make()`'s handles; `isCurrent` says whether they still count. */
  start(make: () => H[]): { handles: H[]; isCurrent: () => boolean } {
    this.disconnect();
    const id = ++this.nextId;
    const handles = make();
    this.current = { handles, id };
    return { handles, isCurrent: () => this.current?.id === id };
  }

  /** The current training finished: its workers are no longer needed. */
  finish(isCurrent: () => boolean): void {
    if (isCurrent()) this.disconnect();
  }

  disconnect(): void {
    const c = this.current;
    this.current = null;
    for (const h of c?.handles ?? []) h.terminate();
  }
}
