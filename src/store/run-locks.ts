/** The part of the Web Locks API (navigator.locks) used here. */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
  query(): Promise<{
    held?: readonly { name?: string }[];
    pending?: readonly { name?: string }[];
  }>;
}

/**
 * Which runs are really being trained right now, in this tab or another one. Each tab holds a
 * Web Lock per run it trains (the browser frees it when the tab closes or reloads), so a tab that
 * opens the store does not mark another tab's live run as interrupted. Without Web Locks, only
 * this tab's own runs are known.
 */
export class RunLocks {
  private readonly releases = new Map<string, () => void>();

  constructor(
    private readonly locks: LockManagerLike | null,
    private readonly prefix: string,
  ) {}

  hold(runId: string): void {
    if (this.releases.has(runId)) return;
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.releases.set(runId, release);
    this.locks?.request(this.prefix + runId, () => held).catch(() => {});
  }

  release(runId: string): void {
    this.releases.get(runId)?.();
    this.releases.delete(runId);
  }

  releaseAll(): void {
    for (const runId of [...this.releases.keys()]) this.release(runId);
  }

  /** This tab trains the run (it holds, or is about to hold, the run's lock). */
  holds(runId: string): boolean {
    return this.releases.has(runId);
  }

  /**
   * Resolves once whoever holds the run's lock lets it go (a tab that finishes the run, closes or
   * reloads): the lock is taken and given back at once. Null without Web Locks.
   */
  whenReleased(runId: string): Promise<void> | null {
    if (!this.locks) return null;
    return this.locks.request(this.prefix + runId, async () => {}).then(() => undefined);
  }

  async active(): Promise<Set<string>> {
    const ids = new Set(this.releases.keys());
    if (!this.locks) return ids;
    const snapshot = await this.locks.query();
    for (const lock of [...(snapshot.held ?? []), ...(snapshot.pending ?? [])]) {
      if (lock.name?.startsWith(this.prefix)) ids.add(lock.name.slice(this.prefix.length));
    }
    return ids;
  }
}
