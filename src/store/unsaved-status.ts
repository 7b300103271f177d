import type { RunRecord } from './records.ts';
import { patchRun, type RunPatch } from './runs.ts';

interface Unsaved {
  readonly patch: RunPatch;
  /** updatedAt the run gets once the patch is written (interrupted keeps its old one). */
  readonly at: number;
}

/**
 * How runs ended when the disk was too full to write it (IndexedDB refuses every put once the
 * site's quota is used up, however small, while reads and deletes still work). The library shows
 * runs with these patches applied, so a run stopped by a full disk reads `stopped`, not
 * `running`, and a run a reload left `running` reads `interrupted`; the store writes them as
 * soon as a delete has made room. Kept in memory: after a reload, a run whose status could not
 * be written is `running` without a live tab, which opening shows as `interrupted` again.
 */
export class UnsavedStatuses {
  private readonly byRun = new Map<string, Unsaved>();

  get size(): number {
    return this.byRun.size;
  }

  /** Remember a patch that could not be written, merged over an earlier unwritten one. */
  remember(runId: string, patch: RunPatch, at: number): void {
    const earlier = this.byRun.get(runId)?.patch;
    const merged: RunPatch = earlier
      ? {
          ...earlier,
          ...patch,
          ...(earlier.summary || patch.summary
            ? { summary: { ...earlier.summary, ...patch.summary } }
            : {}),
        }
      : patch;
    this.byRun.set(runId, { patch: merged, at });
  }

  forget(runId: string): void {
    this.byRun.delete(runId);
  }

  /** The run as it would read had every remembered patch been written. */
  apply(run: RunRecord): RunRecord {
    const unsaved = this.byRun.get(run.id);
    return unsaved ? patchRun(run, unsaved.patch, unsaved.at) : run;
  }

  entries(): [string, Unsaved][] {
    return [...this.byRun.entries()];
  }
}
