import { describe, expect, it } from 'vitest';
import { RunNotFoundError, StoreError } from '../../src/store/index.ts';
import {
  openTestStore,
  sampleCheckpoint,
  sampleConfig,
  telemetryFor,
  trainRows,
} from './helpers.ts';

describe('runs', () => {
  it('creates a running run named after its config, and reads it back', async () => {
    const { store } = await openTestStore();
    const config = sampleConfig({ bnSync: 'sync' });
    const run = await store.createRun(config);
    expect(run.status).toBe('running');
    expect(run.name).toBe('spiral · mlp · batch (sync) · 2 devices');
    expect(run.summary).toEqual({
      stepsDone: 0,
      steps: 100,
      lastLoss: null,
      testAcc: null,
      testLoss: null,
    });
    expect(await store.getRun(run.id)).toEqual(run);
    expect(await store.getRun('nope')).toBeUndefined();
    await store.close();
  });

  it('lists runs sorted and filtered', async () => {
    const { store } = await openTestStore();
    const a = await store.createRun(sampleConfig(), 'run 10');
    const b = await store.createRun(
      sampleConfig({ model: { preset: 'mlp', norm: 'group' } }),
      'Run 9',
    );
    const c = await store.createRun(sampleConfig({ dataset: { name: 'moons' } }), 'baseline');
    await store.updateRun(a.id, { status: 'completed', summary: { testAcc: 0.9 } });
    await store.updateRun(c.id, { status: 'failed', summary: { testAcc: 0.5, error: 'diverged' } });

    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    // Default: most recently updated first (c was updated last).
    expect(ids(await store.listRuns())).toEqual([c.id, a.id, b.id]);
    expect(ids(await store.listRuns({ sortBy: 'createdAt', order: 'asc' }))).toEqual([
      a.id,
      b.id,
      c.id,
    ]);
    // Names compare numerically and ignore case: "Run 9" before "run 10".
    expect(ids(await store.listRuns({ sortBy: 'name' }))).toEqual([c.id, b.id, a.id]);
    // Runs without a test accuracy come last in either order.
    expect(ids(await store.listRuns({ sortBy: 'testAcc' }))).toEqual([a.id, c.id, b.id]);
    expect(ids(await store.listRuns({ sortBy: 'testAcc', order: 'asc' }))).toEqual([
      c.id,
      a.id,
      b.id,
    ]);
    expect(ids(await store.listRuns({ filter: { status: 'running' } }))).toEqual([b.id]);
    expect(ids(await store.listRuns({ filter: { status: ['failed', 'completed'] } }))).toEqual([
      c.id,
      a.id,
    ]);
    expect(ids(await store.listRuns({ filter: { text: 'MOONS' } }))).toEqual([c.id]);
    expect(ids(await store.listRuns({ filter: { text: 'run group' } }))).toEqual([b.id]);
    await store.close();
  });

  it('renames and patches, merging the summary', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    const renamed = await store.renameRun(run.id, '  my run  ');
    expect(renamed.name).toBe('my run');
    expect(renamed.updatedAt).toBeGreaterThan(run.updatedAt);
    await expect(store.renameRun(run.id, '   ')).rejects.toThrow(StoreError);
    const done = await store.updateRun(run.id, {
      status: 'completed',
      summary: { testAcc: 0.8, testLoss: 0.4 },
    });
    expect(done.summary).toEqual({
      stepsDone: 0,
      steps: 100,
      lastLoss: null,
      testAcc: 0.8,
      testLoss: 0.4,
    });
    expect(await store.getRun(run.id)).toEqual(done);
    await expect(store.updateRun('missing', { status: 'stopped' })).rejects.toThrow(
      RunNotFoundError,
    );
    await store.close();
  });

  it('deletes a run with its metrics, telemetry and checkpoints, leaving other runs alone', async () => {
    const { store } = await openTestStore();
    const doomed = await store.createRun(sampleConfig());
    const kept = await store.createRun(sampleConfig());
    for (const id of [doomed.id, kept.id]) {
      store.appendMetrics(id, { train: trainRows(1, 5), telemetry: telemetryFor(1, 5) });
      await store.saveCheckpoint(id, sampleCheckpoint(5));
    }
    store.appendMetrics(doomed.id, { train: trainRows(6, 7) }); // still buffered when deleted
    expect(await store.deleteRun(doomed.id)).toBe(true);
    expect(await store.deleteRun(doomed.id)).toBe(false);
    await store.flush();
    expect(await store.getRun(doomed.id)).toBeUndefined();
    expect(await store.loadMetrics(doomed.id)).toEqual({ train: [], eval: [], telemetry: null });
    expect(await store.latestCheckpoint(doomed.id)).toBeNull();
    expect((await store.loadMetrics(kept.id)).train).toEqual(trainRows(1, 5));
    expect((await store.latestCheckpoint(kept.id))?.step).toBe(5);
    await store.close();
  });

  it('refuses work once closed', async () => {
    const { store } = await openTestStore();
    await store.close();
    expect(store.closed).toBe(true);
    await expect(store.listRuns()).rejects.toThrow(/closed/);
    expect(() => store.appendMetrics('x', {})).toThrow(/closed/);
  });
});
