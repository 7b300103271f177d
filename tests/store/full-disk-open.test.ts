import { afterEach, describe, expect, it, vi } from 'vitest';
import { StoreQuotaError } from '../../src/store/index.ts';
import type { LockManagerLike } from '../../src/store/run-locks.ts';
import { openTestStore, sampleConfig, trainRows } from './helpers.ts';

/** IndexedDB refuses every put and add the way Chromium does on a full disk; deletes still work. */
function fillDisk(): { free(): void } {
  const put = IDBObjectStore.prototype.put;
  const add = IDBObjectStore.prototype.add;
  let full = true;
  const refuse = () => {
    if (full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) {
    refuse();
    return put.apply(this, args);
  });
  vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['add']>
  ) {
    refuse();
    return add.apply(this, args);
  });
  return {
    free: () => {
      full = false;
    },
  };
}

/** The Web Locks of one origin, shared by the "tabs" of a test. */
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

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a full disk', () => {
  it('does not keep the library from opening: runs a reload left running read interrupted', async () => {
    const { store, indexedDB } = await openTestStore();
    const left = await store.createRun(sampleConfig());
    const done = await store.createRun(sampleConfig());
    await store.updateRun(done.id, { status: 'completed' });
    store.appendMetrics(left.id, { train: trainRows(1, 12) });
    await store.flush();
    await store.close();

    const disk = fillDisk();
    const { store: reopened } = await openTestStore({ indexedDB });
    expect(reopened.closed).toBe(false);
    expect(reopened.storageFull).toBeInstanceOf(StoreQuotaError);
    const runs = await reopened.listRuns({ sortBy: 'createdAt', order: 'asc' });
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [left.id, 'interrupted'],
      [done.id, 'completed'],
    ]);
    expect((await reopened.getRun(left.id))?.summary.stepsDone).toBe(12);
    const exported = await reopened.exportRun(left.id);
    expect(exported.run.status).toBe('interrupted');
    expect(exported.metrics.train).toHaveLength(12);

    // Deleting goes through and, with room made, the interrupted status is written for real.
    disk.free();
    expect(await reopened.deleteRun(done.id)).toBe(true);
    expect(reopened.storageFull).toBeNull();
    await reopened.close();
    vi.restoreAllMocks();
    const { store: third } = await openTestStore({ indexedDB, markInterrupted: false });
    expect((await third.listRuns()).map((r) => [r.id, r.status])).toEqual([
      [left.id, 'interrupted'],
    ]);
    await third.close();
  });

  it('a run whose final status cannot be written reads stopped, is no longer locked, and is written once a delete makes room', async () => {
    const locks = new FakeLocks();
    const { store, indexedDB } = await openTestStore({ locks });
    const old = await store.createRun(sampleConfig());
    await store.updateRun(old.id, { status: 'completed' });
    const live = await store.createRun(sampleConfig());
    store.appendMetrics(live.id, { train: trainRows(1, 5) });
    await store.flush();

    const disk = fillDisk();
    await expect(
      store.updateRun(live.id, { status: 'stopped', summary: { stepsDone: 5 } }),
    ).rejects.toBeInstanceOf(StoreQuotaError);
    expect((await store.getRun(live.id))?.status).toBe('stopped');
    expect((await store.listRuns()).find((r) => r.id === live.id)?.status).toBe('stopped');
    expect(locks.held.size).toBe(0);
    // A rename is refused outright (nothing to remember).
    await expect(store.renameRun(old.id, 'kept')).rejects.toBeInstanceOf(StoreQuotaError);
    expect((await store.getRun(old.id))?.name).not.toBe('kept');

    disk.free();
    await store.deleteRun(old.id);
    await store.close();
    const { store: reopened } = await openTestStore({ indexedDB, markInterrupted: false });
    const saved = await reopened.getRun(live.id);
    expect(saved?.status).toBe('stopped');
    expect(saved?.summary.stepsDone).toBe(5);
    await reopened.close();
  });

  it('a status a full disk refused survives a reload (journal) and is written when the library next has room', async () => {
    const journal = new Map<string, string>();
    const statusJournal = {
      getItem: (k: string) => journal.get(k) ?? null,
      setItem: (k: string, v: string) => void journal.set(k, v),
      removeItem: (k: string) => void journal.delete(k),
    };
    const { store, indexedDB } = await openTestStore({ statusJournal });
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 7) });
    await store.flush();
    const disk = fillDisk();
    await expect(
      store.updateRun(run.id, { status: 'stopped', summary: { stepsDone: 7 } }),
    ).rejects.toBeInstanceOf(StoreQuotaError);
    await store.close().catch(() => {});
    expect(journal.size).toBe(1);

    // Reloaded with the disk still full: stopped, not interrupted.
    const { store: full } = await openTestStore({ indexedDB, statusJournal });
    expect((await full.getRun(run.id))?.status).toBe('stopped');
    expect(full.storageFull).toBeInstanceOf(StoreQuotaError);
    await full.close();

    // Reloaded with room: written for real, and the journal is empty again.
    disk.free();
    const { store: roomy } = await openTestStore({ indexedDB, statusJournal });
    await roomy.close();
    expect(journal.size).toBe(0);
    vi.restoreAllMocks();
    const { store: plain } = await openTestStore({ indexedDB, markInterrupted: false });
    expect((await plain.getRun(run.id))?.status).toBe('stopped');
    expect((await plain.getRun(run.id))?.summary.stepsDone).toBe(7);
    await plain.close();
  });
});
