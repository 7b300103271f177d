import { describe, expect, it, vi } from 'vitest';
import { openLabDatabase } from '../../src/store/connection.ts';
import { openTestStore, sampleConfig, telemetryFor, trainRows } from './helpers.ts';

async function chunkCounts(indexedDB: IDBFactory, name = 'syncbn-lab') {
  const db = await openLabDatabase({ name, factory: indexedDB });
  const counts = { metrics: await db.count('metrics'), telemetry: await db.count('telemetry') };
  db.close();
  return counts;
}

describe('metrics', () => {
  it('buffers appends and writes them as one chunk per flush', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    const spy = vi.spyOn(IDBDatabase.prototype, 'transaction');
    store.appendMetrics(run.id, { train: trainRows(1, 3), telemetry: telemetryFor(1, 3) });
    store.appendMetrics(run.id, { train: trainRows(4, 6), telemetry: telemetryFor(4, 6) });
    store.appendMetrics(run.id, { eval: [{ step: 5, loss: 0.7, acc: 0.6 }] });
    expect(store.pendingRows).toBe(6 + 6 + 1);
    expect(spy).not.toHaveBeenCalled();
    await store.flush();
    // Exactly one readwrite transaction for the whole batch.
    expect(spy.mock.calls.filter((c) => c[1] === 'readwrite')).toHaveLength(1);
    spy.mockRestore();
    expect(store.pendingRows).toBe(0);
    await store.flush(); // nothing buffered: nothing written
    expect(await chunkCounts(indexedDB)).toEqual({ metrics: 1, telemetry: 1 });
    const loaded = await store.loadMetrics(run.id);
    expect(loaded.train).toEqual(trainRows(1, 6));
    expect(loaded.eval).toEqual([{ step: 5, loss: 0.7, acc: 0.6 }]);
    expect(loaded.telemetry).toEqual(telemetryFor(1, 6));
    await store.close();
  });

  it('updates the run summary with each write', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, {
      train: trainRows(1, 40),
      eval: [{ step: 20, loss: 0.5, acc: 0.75 }],
    });
    await store.flush();
    const saved = await store.getRun(run.id);
    expect(saved?.summary).toMatchObject({
      stepsDone: 40,
      lastLoss: 1 / 40,
      testAcc: 0.75,
      testLoss: 0.5,
    });
    expect(saved!.updatedAt).toBeGreaterThan(run.updatedAt);
    await store.close();
  });

  it('concatenates chunks and still-buffered rows on load', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    for (let c = 0; c < 4; c++) {
      const from = c * 10 + 1;
      store.appendMetrics(run.id, {
        train: trainRows(from, from + 9),
        telemetry: telemetryFor(from, from + 9),
      });
      if (c < 3) await store.flush();
    }
    expect(store.pendingRows).toBe(20);
    const loaded = await store.loadMetrics(run.id);
    expect(loaded.train).toEqual(trainRows(1, 40));
    expect(loaded.telemetry).toEqual(telemetryFor(1, 40));
    // Loading did not touch the buffer.
    expect(store.pendingRows).toBe(20);
    await store.close();
  });

  it('writes on its own after the interval', async () => {
    const { store, indexedDB } = await openTestStore({ flushIntervalMs: 30 });
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 2) });
    store.appendMetrics(run.id, { train: trainRows(3, 4) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(store.pendingRows).toBe(0);
    expect(await chunkCounts(indexedDB)).toEqual({ metrics: 1, telemetry: 0 });
    await store.close();
  });

  it('writes at once past the row limit', async () => {
    const { store, indexedDB } = await openTestStore({ flushRows: 10 });
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 4) });
    store.appendMetrics(run.id, { train: trainRows(5, 12) });
    await vi.waitFor(async () => expect((await chunkCounts(indexedDB)).metrics).toBe(1));
    expect((await store.loadMetrics(run.id)).train).toEqual(trainRows(1, 12));
    await store.close();
  });

  it('close() writes what is buffered', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 3) });
    await store.close();
    const { store: again } = await openTestStore({ indexedDB });
    expect((await again.loadMetrics(run.id)).train).toEqual(trainRows(1, 3));
    await again.close();
  });

  it('rows of a resumed run replace those saved after its checkpoint', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 30), telemetry: telemetryFor(1, 30) });
    await store.flush();
    // Resumed from a checkpoint at step 20: steps 21.. come again.
    const redone = trainRows(21, 25).map((r) => ({ ...r, loss: r.loss + 1 }));
    store.appendMetrics(run.id, { train: redone, telemetry: telemetryFor(21, 25) });
    await store.flush();
    const loaded = await store.loadMetrics(run.id);
    expect(loaded.train).toEqual([...trainRows(1, 20), ...redone]);
    expect(loaded.telemetry).toEqual(telemetryFor(1, 25));
    expect((await store.getRun(run.id))?.summary.stepsDone).toBe(25);
    await store.close();
  });

  it('drops rows of a run that no longer exists', async () => {
    const { store, indexedDB } = await openTestStore();
    store.appendMetrics('ghost', { train: trainRows(1, 3) });
    await store.flush();
    expect(await chunkCounts(indexedDB)).toEqual({ metrics: 0, telemetry: 0 });
    await store.close();
  });
});
