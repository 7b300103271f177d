import { describe, expect, it } from 'vitest';
import { openLabDatabase } from '../../src/store/connection.ts';
import { RunNotFoundError } from '../../src/store/index.ts';
import { openTestStore, sampleCheckpoint, sampleConfig, trainRows } from './helpers.ts';

async function checkpointKeys(indexedDB: IDBFactory): Promise<[string, number][]> {
  const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB });
  const keys = await db.getAllKeys('checkpoints');
  db.close();
  return keys;
}

describe('checkpoints', () => {
  it('keeps the newest N per run, bytes intact', async () => {
    const { store, indexedDB } = await openTestStore({ keepCheckpoints: 2 });
    const run = await store.createRun(sampleConfig());
    const other = await store.createRun(sampleConfig());
    await store.saveCheckpoint(other.id, sampleCheckpoint(1));
    for (const step of [10, 30, 20]) await store.saveCheckpoint(run.id, sampleCheckpoint(step));
    const latest = await store.latestCheckpoint(run.id);
    const expected = sampleCheckpoint(30);
    expect(latest?.step).toBe(30);
    expect(latest?.params).toEqual(expected.params); // NaN, -0, Infinity, subnormal included
    expect(latest?.buffers).toEqual(expected.buffers);
    expect(latest?.optimizer).toEqual(expected.optimizer);
    await store.close();
    const keys = await checkpointKeys(indexedDB);
    expect(keys.filter(([id]) => id === run.id).map(([, step]) => step)).toEqual([20, 30]);
    expect(keys.filter(([id]) => id === other.id)).toHaveLength(1);
  });

  it('defaults to keeping 2', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    for (const step of [1, 2, 3, 4]) await store.saveCheckpoint(run.id, sampleCheckpoint(step));
    await store.close();
    expect(await checkpointKeys(indexedDB)).toEqual([
      [run.id, 3],
      [run.id, 4],
    ]);
  });

  it('stores a tight copy of a view into a larger buffer', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    const big = new Float32Array(1000).fill(7);
    const checkpoint = { ...sampleCheckpoint(5), params: big.subarray(10, 20) };
    await store.saveCheckpoint(run.id, checkpoint);
    big.fill(0); // the caller reusing its buffer must not change what was saved
    const saved = await store.latestCheckpoint(run.id);
    expect(saved?.params.length).toBe(10);
    expect(saved?.params.buffer.byteLength).toBe(40);
    expect([...saved!.params]).toEqual(new Array(10).fill(7));
    await store.close();
  });

  it('writes buffered metrics in the same transaction as the checkpoint', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 50) });
    await store.saveCheckpoint(run.id, sampleCheckpoint(50));
    expect(store.pendingRows).toBe(0);
    await store.close();
    const { store: again } = await openTestStore({ indexedDB });
    expect((await again.loadMetrics(run.id)).train).toEqual(trainRows(1, 50));
    await again.close();
  });

  it('refuses a checkpoint for an unknown run, writing nothing', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 5) });
    await expect(store.saveCheckpoint('missing', sampleCheckpoint(5))).rejects.toThrow(
      RunNotFoundError,
    );
    // The rows that were to go with it are still buffered, not lost.
    expect(store.pendingRows).toBe(5);
    await store.close();
    expect(await checkpointKeys(indexedDB)).toEqual([]);
  });
});
