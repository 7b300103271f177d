import { afterEach, describe, expect, it, vi } from 'vitest';
import { openLabDatabase } from '../../src/store/connection.ts';
import { isQuotaError, toStoreError } from '../../src/store/errors.ts';
import { type StoreError, StoreQuotaError } from '../../src/store/index.ts';
import {
  exportFromAnotherLibrary,
  openTestStore,
  sampleCheckpoint,
  sampleConfig,
  telemetryFor,
  trainRows,
} from './helpers.ts';

/** Make IndexedDB refuse writes to these stores the way a full disk does. */
function fillDisk(stores: readonly string[]) {
  const put = IDBObjectStore.prototype.put;
  const add = IDBObjectStore.prototype.add;
  const refuse = (store: IDBObjectStore) => {
    if (stores.includes(store.name)) {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
  };
  const putSpy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['put']>
  ) {
    refuse(this);
    return put.apply(this, args);
  });
  vi.spyOn(IDBObjectStore.prototype, 'add').mockImplementation(function (
    this: IDBObjectStore,
    ...args: Parameters<IDBObjectStore['add']>
  ) {
    refuse(this);
    return add.apply(this, args);
  });
  return putSpy;
}

/**
 * The other way browsers report it: the request is accepted, then fails, and the transaction
 * aborts with a QuotaExceededError. Reaches into fake-indexeddb's request queue to do the same.
 */
function fillDiskLater(stores: readonly string[]) {
  type Job = { source?: unknown; operation: () => unknown };
  const proto = IDBTransaction.prototype as unknown as { _execRequestAsync(job: Job): IDBRequest };
  const exec = proto._execRequestAsync;
  vi.spyOn(proto, '_execRequestAsync').mockImplementation(function (
    this: IDBTransaction,
    job: Job,
  ) {
    const writes = job.operation.name.includes('storeRecord');
    if (writes && job.source instanceof IDBObjectStore && stores.includes(job.source.name)) {
      job = {
        ...job,
        operation: () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        },
      };
    }
    return exec.call(this, job);
  });
}

async function counts(indexedDB: IDBFactory) {
  const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB });
  const result = {
    runs: await db.count('runs'),
    metrics: await db.count('metrics'),
    telemetry: await db.count('telemetry'),
    checkpoints: await db.count('checkpoints'),
  };
  db.close();
  return result;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('storage full', () => {
  it('recognises the quota errors browsers raise', () => {
    expect(isQuotaError(new DOMException('x', 'QuotaExceededError'))).toBe(true);
    expect(isQuotaError({ name: 'NS_ERROR_DOM_QUOTA_REACHED' })).toBe(true);
    expect(isQuotaError({ name: 'Error', code: 22 })).toBe(true);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
    const error = toStoreError(new DOMException('disk full', 'QuotaExceededError'));
    expect(error).toBeInstanceOf(StoreQuotaError);
    expect(error.message).toMatch(/storage for this site is full/);
  });

  it('a flush that hits the quota throws StoreQuotaError, rolls back whole and keeps the rows', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 10), telemetry: telemetryFor(1, 10) });
    await store.flush();
    const saved = await store.getRun(run.id);

    // The metrics chunk goes in, then the telemetry chunk fails: neither may stay.
    fillDisk(['telemetry']);
    store.appendMetrics(run.id, { train: trainRows(11, 20), telemetry: telemetryFor(11, 20) });
    await expect(store.flush()).rejects.toBeInstanceOf(StoreQuotaError);
    expect(await store.getRun(run.id)).toEqual(saved); // summary not advanced either
    expect(store.pendingRows).toBe(20);
    await store.close().catch(() => {}); // the final flush fails the same way
    expect(await counts(indexedDB)).toEqual({ runs: 1, metrics: 1, telemetry: 1, checkpoints: 0 });

    vi.restoreAllMocks();
    const { store: reopened } = await openTestStore({ indexedDB });
    expect(await reopened.loadMetrics(run.id)).toEqual({
      train: trainRows(1, 10),
      eval: [],
      telemetry: telemetryFor(1, 10),
    });
    await reopened.close();
  });

  it('a write that fails after being accepted surfaces the same way', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    await store.saveCheckpoint(run.id, sampleCheckpoint(1));
    fillDiskLater(['checkpoints']);
    store.appendMetrics(run.id, { train: trainRows(1, 3) });
    await expect(store.saveCheckpoint(run.id, sampleCheckpoint(2))).rejects.toBeInstanceOf(
      StoreQuotaError,
    );
    expect(store.pendingRows).toBe(3);
    vi.restoreAllMocks();
    await store.close();
    expect(await counts(indexedDB)).toEqual({ runs: 1, metrics: 1, telemetry: 0, checkpoints: 1 });
  });

  it('a background write reports to onWriteError, stops retrying, and a later flush saves everything in order', async () => {
    const errors: StoreError[] = [];
    const { store } = await openTestStore({
      flushIntervalMs: 10,
      onWriteError: (e) => errors.push(e),
    });
    const run = await store.createRun(sampleConfig());
    const putSpy = fillDisk(['metrics']);
    store.appendMetrics(run.id, { train: trainRows(1, 5) });
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toBeInstanceOf(StoreQuotaError);
    const attempts = putSpy.mock.calls.length;
    store.appendMetrics(run.id, { train: trainRows(6, 8) });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(putSpy.mock.calls.length).toBe(attempts); // no retry every interval
    expect(errors).toHaveLength(1);

    vi.restoreAllMocks(); // the user made room
    await store.flush();
    expect(store.pendingRows).toBe(0);
    expect((await store.loadMetrics(run.id)).train).toEqual(trainRows(1, 8));
    // Background writes are back on.
    store.appendMetrics(run.id, { train: trainRows(9, 9) });
    await vi.waitFor(() => expect(store.pendingRows).toBe(0));
    await store.close();
  });

  it('checkpoint, new run and import fail typed, leaving what was saved', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    await store.saveCheckpoint(run.id, sampleCheckpoint(10));
    const file = await exportFromAnotherLibrary(10);

    fillDisk(['checkpoints']);
    await expect(store.saveCheckpoint(run.id, sampleCheckpoint(20))).rejects.toBeInstanceOf(
      StoreQuotaError,
    );
    expect((await store.latestCheckpoint(run.id))?.params).toEqual(sampleCheckpoint(10).params);
    // The import writes its run first, then fails on the checkpoint: the run must not stay.
    await expect(store.importRun(file)).rejects.toBeInstanceOf(StoreQuotaError);
    vi.restoreAllMocks();
    fillDisk(['runs']);
    await expect(store.createRun(sampleConfig())).rejects.toBeInstanceOf(StoreQuotaError);
    vi.restoreAllMocks();
    await store.close();
    expect(await counts(indexedDB)).toEqual({ runs: 1, metrics: 0, telemetry: 0, checkpoints: 1 });
  });
});
