import { describe, expect, it } from 'vitest';
import type { LockManagerLike } from '../../src/store/run-locks.ts';
import { openTestStore, sampleConfig, trainRows } from './helpers.ts';

/**
 * Web Locks shared by the "tabs" of one test, like navigator.locks within one origin: exclusive,
 * a request waits until the lock's holder lets go.
 */
class FakeLocks implements LockManagerLike {
  readonly held = new Set<string>();
  private readonly queues = new Map<string, Promise<void>>();
  request(name: string, callback: () => Promise<void>): Promise<void> {
    const before = this.queues.get(name) ?? Promise.resolve();
    const mine = before.then(async () => {
      this.held.add(name);
      try {
        await callback();
      } finally {
        this.held.delete(name);
      }
    });
    this.queues.set(
      name,
      mine.catch(() => {}),
    );
    return mine;
  }
  async query() {
    return { held: [...this.held].map((name) => ({ name })) };
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

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
    await tick();
    expect(locks.held.size).toBe(0);

    // A tab that closes mid-run releases its locks; the next one to open marks the run.
    const other = await trainingTab.createRun(sampleConfig());
    expect(locks.held.size).toBe(1);
    await trainingTab.close();
    await tick();
    expect(await secondTab.markInterrupted()).toMatchObject([
      { id: other.id, status: 'interrupted' },
    ]);
    await secondTab.close();
  });

  it('a run whose page was still letting go of it when this page opened becomes interrupted once it does', async () => {
    const locks = new FakeLocks();
    const { store: oldPage, indexedDB } = await openTestStore({ locks });
    const run = await oldPage.createRun(sampleConfig());
    // The reloaded page opens while the old one still holds the run's lock.
    let changes = 0;
    const { store: newPage } = await openTestStore({
      indexedDB,
      locks,
      onRunsChanged: () => {
        changes++;
      },
    });
    expect((await newPage.getRun(run.id))?.status).toBe('running');
    // The old page goes away (its locks are freed) without writing a status.
    await oldPage.close();
    await expect.poll(async () => (await newPage.getRun(run.id))?.status).toBe('interrupted');
    expect(changes).toBe(1);
    await newPage.close();
  });

  it('a run another page finishes is left as it ended, and nothing is reported', async () => {
    const locks = new FakeLocks();
    const { store: trainingTab, indexedDB } = await openTestStore({ locks });
    const run = await trainingTab.createRun(sampleConfig());
    let changes = 0;
    const { store: secondTab } = await openTestStore({
      indexedDB,
      locks,
      onRunsChanged: () => {
        changes++;
      },
    });
    await trainingTab.updateRun(run.id, { status: 'completed' });
    await tick();
    await tick();
    expect((await secondTab.getRun(run.id))?.status).toBe('completed');
    expect(changes).toBe(0);
    await trainingTab.close();
    await secondTab.close();
  });
});
