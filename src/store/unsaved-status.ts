import { RUN_STATUSES, type RunRecord } from './records.ts';
import { patchRun, type RunPatch } from './runs.ts';

interface Unsaved {
  readonly patch: RunPatch;
  /** updatedAt the run gets once the patch is written (interrupted keeps its old one). */
  readonly at: number;
}

/** Where the patches also go, so they outlive the page: localStorage, kept apart from the quota IndexedDB ran out of. */
export type StatusJournal = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The page's localStorage when it has one and lets us use it (null in Node and workers). */
export function defaultStatusJournal(): StatusJournal | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * How runs ended when the disk was too full to write it (IndexedDB refuses every put once the
 * site's quota is used up, however small, while reads and deletes still work). The library shows
 * runs with these patches applied, so a run stopped by a full disk reads `stopped`, not
 * `running`, and a run a reload left `running` reads `interrupted`; the store writes them as soon
 * as there is room (after a delete, or when the library opens again). Final statuses are also
 * kept in a small journal (localStorage) so that they survive a reload; `interrupted` needs none,
 * opening derives it again. A patch applies only while the saved record still says `running`:
 * anything else was written later and wins.
 */
export class UnsavedStatuses {
  private readonly byRun = new Map<string, Unsaved>();

  constructor(
    private readonly journal: StatusJournal | null = null,
    private readonly key = 'syncbn-lab:unsaved-statuses',
  ) {
    for (const [runId, unsaved] of Object.entries(this.readJournal())) {
      this.byRun.set(runId, unsaved);
    }
  }

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
    const unsaved = { patch: merged, at };
    this.byRun.set(runId, unsaved);
    if (merged.status !== 'interrupted')
      this.updateJournal((all) => ({ ...all, [runId]: unsaved }));
  }

  has(runId: string): boolean {
    return this.byRun.has(runId);
  }

  forget(runId: string): void {
    if (!this.byRun.delete(runId)) return;
    this.updateJournal((all) => {
      const { [runId]: _gone, ...rest } = all;
      return rest;
    });
  }

  /** The run as it would read had every remembered patch been written. */
  apply(run: RunRecord): RunRecord {
    const unsaved = this.byRun.get(run.id);
    return unsaved && run.status === 'running' ? patchRun(run, unsaved.patch, unsaved.at) : run;
  }

  entries(): [string, Unsaved][] {
    return [...this.byRun.entries()];
  }

  private readJournal(): Record<string, Unsaved> {
    try {
      const parsed: unknown = JSON.parse(this.journal?.getItem(this.key) ?? '{}');
      if (typeof parsed !== 'object' || parsed === null) return {};
      const valid: Record<string, Unsaved> = {};
      for (const [runId, value] of Object.entries(parsed)) {
        const u = value as Partial<Unsaved> | null;
        const status = u?.patch?.status;
        if (typeof u?.at === 'number' && status && RUN_STATUSES.includes(status)) {
          valid[runId] = { patch: u.patch!, at: u.at };
        }
      }
      return valid;
    } catch {
      return {};
    }
  }

  /** Read-modify-write, so tabs sharing the journal keep each other's entries. Best effort. */
  private updateJournal(change: (all: Record<string, Unsaved>) => Record<string, Unsaved>): void {
    if (!this.journal) return;
    try {
      const next = change(this.readJournal());
      if (Object.keys(next).length === 0) this.journal.removeItem(this.key);
      else this.journal.setItem(this.key, JSON.stringify(next));
    } catch {
      // The journal is full or refused: the status still shows in this page.
    }
  }
}
