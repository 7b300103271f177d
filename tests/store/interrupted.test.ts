import { describe, expect, it } from 'vitest';
import type { LockManagerLike } from '../../src/store/run-locks.ts';
import { openTestStore, sampleConfig, trainRows } from './helpers.ts';

/** Web Locks shared by the "tabs" of one test, like navigator.locks within one origin. */
class FakeLocks implements LockManagerLike {
  readonly held = new Set<string>();
  async request(name: string, callback: () => Promise<void>): Promise<void> {
    this.held.add(name);
    try {
      await callback();
    } finally {
      this.held.delete(name);
    }
  }
  async query() {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

describe('runs a reload left running', () => {
  it('become interrupted when the library is opened again, keeping their progress', async () => {
    const { store, indexedDB } = await openTestStore();
    const live = await store.createRun(sampleConfig());
    const done = await store.createRun(sampleConfig());
    await store.updateRun(done.id, { status: 'completed' });
    store.appendMetrics(live.id, { train: trainRows(1, 12) });
    await store.flush();
    const before = await store.getRun(live.id);
    // The page is reloaded: a new store that never heard of the run opens the library.
    await store.close();

    const { store: reloaded } = await openTestStore({ indexedDB });
    const after = await reloaded.getRun(live.id);
    expect(after).toEqual({ ...before, status: 'interrupted' });
    expect(after?.summary.stepsDone).toBe(12);
    expect((await reloaded.getRun(done.id))?.status).toBe('completed');
    expect(await reloaded.markInterrupted()).toEqual([]); // nothing left to mark
    await reloaded.close();
  });

  it('can be left alone (markInterrupted: false) and marked later', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    await store.close();
    const { store: reloaded } = await openTestStore({ indexedDB, markInterrupted: false });
    expect((await reloaded.getRun(run.id))?.status).toBe('running');
    const marked = await reloaded.markInterrupted();
    expect(marked.map((r) => [r.id, r.status])).toEqual([[run.id, 'interrupted']]);
    await reloaded.close();
  });

  it("never touches this tab's own running runs", async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    expect(await store.markInterrupted()).toEqual([]);
    await store.updateRun(run.id, { status: 'stopped' });
    await store.updateRun(run.id, { status: 'running' }); // resumed
    expect(await store.markInterrupted()).toEqual([]);
    await store.close();
  });

  it("never touches a run another tab is training (it holds the run's Web Lock)", async () => {
    const locks = new FakeLocks();
    const { store: trainingTab, indexedDB } = await openTestStore({ locks });
    const run = await trainingTab.createRun(sampleConfig());
    const { store: secondTab } = await openTestStore({ indexedDB, locks });
    expect((await secondTab.getRun(run.id))?.status).toBe('running');
    // Renaming another tab's run does not make this tab its trainer.
    await secondTab.renameRun(run.id, 'renamed elsewhere');

    // The training tab finishes: its lock goes with the status.
    await trainingTab.updateRun(run.id, { status: 'completed' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(locks.held.size).toBe(0);

    // A tab that closes mid-run releases its locks; the next one to open marks the run.
    const other = await trainingTab.createRun(sampleConfig());
    expect(locks.held.size).toBe(1);
    await trainingTab.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(await secondTab.markInterrupted()).toMatchObject([
      { id: other.id, status: 'interrupted' },
    ]);
    await secondTab.close();
  });
});
