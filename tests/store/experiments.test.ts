import { describe, expect, it } from 'vitest';
import type { ExperimentEnv } from '../../src/experiments/kit/env.ts';
import { errorSurface } from '../../src/experiments/error-surface.ts';
import { runPlan } from '../../src/experiments/kit/runner.ts';
import { openLabDatabase } from '../../src/store/connection.ts';
import type { ExperimentRecord } from '../../src/store/experiments.ts';
import { openRunStore, SCHEMA_VERSION } from '../../src/store/index.ts';
import type { RunRecord } from '../../src/store/records.ts';
import { fakeClock, freshIndexedDB, sampleConfig, trainRows } from './helpers.ts';

function run(id: string, updatedAt: number): RunRecord {
  return {
    id,
    name: `run ${id}`,
    config: sampleConfig(),
    status: 'completed',
    createdAt: updatedAt - 100,
    updatedAt,
    summary: { stepsDone: 10, steps: 100, lastLoss: 0.05, testAcc: 0.9, testLoss: 0.3 },
  };
}

function experiment(id: string, updatedAt: number, patch: Partial<ExperimentRecord> = {}) {
  const record: ExperimentRecord = {
    id,
    name: 'error-surface',
    quick: true,
    status: 'completed',
    createdAt: updatedAt - 50,
    updatedAt,
    seeds: [1, 2, 3],
    rows: [{ scaling: 'raw', seed: 1, steps: 12345, path: [{ step: 0, w: [0, 0] }] }],
    finding: {
      checks: [{ id: 'faster', claim: 'standardized is faster', holds: true, values: { x: 1.5 } }],
    },
    elapsedMs: 321,
    complete: true,
    ...patch,
  };
  return record;
}

/** A library as version 3 of the app left it: runs and metric chunks, no experiments store. */
async function fillV3(indexedDB: IDBFactory): Promise<void> {
  const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 3 });
  expect([...db.objectStoreNames].sort()).toEqual(['checkpoints', 'metrics', 'runs', 'telemetry']);
  const tx = db.transaction(['runs', 'metrics'], 'readwrite');
  await tx.objectStore('runs').put(run('a', 1000));
  await tx.objectStore('runs').put(run('b', 2000));
  await tx.objectStore('metrics').put({ runId: 'a', seq: 0, train: trainRows(1, 10), eval: [] });
  await tx.done;
  db.close();
}

describe('experiment results store (v4)', () => {
  it('upgrades a v3 library holding runs, keeps them, and adds the experiments store', async () => {
    const indexedDB = freshIndexedDB();
    await fillV3(indexedDB);
    const store = await openRunStore({ indexedDB, locks: null, storage: null, now: fakeClock() });
    expect(await store.getRun('a')).toEqual(run('a', 1000));
    expect(await store.getRun('b')).toEqual(run('b', 2000));
    expect((await store.loadMetrics('a')).train).toEqual(trainRows(1, 10));
    expect(await store.listExperiments()).toEqual([]);
    await store.close();

    const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB });
    expect(db.version).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(4);
    expect([...db.objectStoreNames]).toContain('experiments');
    db.close();
  });

  it('saves, replaces, lists (newest first) and deletes experiment sessions across reopenings', async () => {
    const indexedDB = freshIndexedDB();
    let store = await openRunStore({ indexedDB, locks: null, storage: null });
    await store.saveExperiment(experiment('x', 100, { status: 'running', complete: false }));
    await store.saveExperiment(experiment('y', 200, { name: 'batch-size', quick: false }));
    // Saved again after the last unit: the same id is replaced, not duplicated.
    await store.saveExperiment(experiment('x', 300));
    await store.close();

    store = await openRunStore({ indexedDB, locks: null, storage: null });
    const listed = await store.listExperiments();
    expect(listed.map((e) => e.id)).toEqual(['x', 'y']);
    expect(listed[0]).toEqual(experiment('x', 300));
    expect(listed[1]?.name).toBe('batch-size');
    expect(await store.deleteExperiment('y')).toBe(true);
    expect(await store.deleteExperiment('y')).toBe(false);
    expect((await store.listExperiments()).map((e) => e.id)).toEqual(['x']);
    // Runs are not touched by experiment sessions.
    expect(await store.listRuns()).toEqual([]);
    await store.close();
  });

  it('a real result survives the round trip, and resuming from it reruns nothing', async () => {
    // error-surface trains no network, so it needs no environment and runs in well under a second.
    const env: ExperimentEnv = {
      train: () => Promise.reject(new Error('not used')),
      loadData: () => Promise.reject(new Error('not used')),
    };
    let units = 0;
    const stopAfterOne = await runPlan(errorSurface, {
      quick: true,
      env,
      shouldStop: () => units >= 1,
      onUnitDone: () => {
        units++;
      },
    });
    expect(stopAfterOne.complete).toBe(false);
    const indexedDB = freshIndexedDB();
    let store = await openRunStore({ indexedDB, locks: null, storage: null });
    const saved = experiment('e', 10, {
      status: 'stopped',
      seeds: stopAfterOne.seeds,
      rows: stopAfterOne.rows,
      finding: stopAfterOne.finding,
      elapsedMs: stopAfterOne.elapsedMs,
      complete: false,
    });
    await store.saveExperiment(saved);
    await store.close();

    store = await openRunStore({ indexedDB, locks: null, storage: null });
    const [loaded] = await store.listExperiments();
    await store.close();
    expect(loaded).toEqual(saved);
    units = 0;
    const resumed = await runPlan(errorSurface, {
      quick: true,
      env,
      previous: {
        rows: [...loaded!.rows] as typeof stopAfterOne.rows,
        elapsedMs: loaded!.elapsedMs,
      },
      onUnitDone: () => {
        units++;
      },
    });
    // Three seeds, one stored: exactly the two missing ones run, and the stored rows are kept.
    expect(units).toBe(2);
    expect(resumed.complete).toBe(true);
    expect(resumed.rows.slice(0, stopAfterOne.rows.length)).toEqual(stopAfterOne.rows);
  });
});
