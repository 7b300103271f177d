import type { DeviceWorkerHandle } from './worker-pool.ts';

/**
 * Device workers kept between runs. Starting a worker means loading its code and compiling it
 * again (V8's compilers then spend ~0.6 s of CPU per run on a page's fresh workers, competing with
 * the page for the cores); a worker whose run ended cleanly is idle and can host the next run's
 * devices (`start` replaces its device group). A worker whose run failed is never kept: it may be
 * stuck in a collective.
 */
export class WarmWorkerPool {
  private idle: DeviceWorkerHandle[] = [];
  private readonly dead = new WeakSet<DeviceWorkerHandle>();

  constructor(
    private readonly spawn: (index: number) => DeviceWorkerHandle,
    /** Idle workers kept at most; more are terminated when released. */
    private readonly keep: number,
  ) {}

  /** Workers waiting for a run. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** Start workers ahead of a run (up to `count` idle), so the run finds them loaded. */
  prewarm(count: number): void {
    for (let i = this.idle.length; i < Math.min(count, this.keep); i++) {
      this.idle.push(this.watch(this.spawn(i)));
    }
  }

  /** An idle worker if there is one, else a new one; `release` gives it back, `terminate` ends it. */
  take(index: number): DeviceWorkerHandle {
    const worker = this.idle.shift() ?? this.watch(this.spawn(index));
    let handedBack = false;
    return {
      api: worker.api,
      died: worker.died,
      terminate: () => {
        if (handedBack) return;
        handedBack = true;
        worker.terminate();
      },
      release: () => {
        if (handedBack) return;
        handedBack = true;
        if (this.dead.has(worker) || this.idle.length >= this.keep) worker.terminate();
        else this.idle.push(worker);
      },
    };
  }

  private watch(worker: DeviceWorkerHandle): DeviceWorkerHandle {
    worker.died.catch(() => {
      this.dead.add(worker);
      this.idle = this.idle.filter((w) => w !== worker);
    });
    return worker;
  }
}
