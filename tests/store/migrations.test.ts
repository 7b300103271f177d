import { describe, expect, it } from 'vitest';
import { openLabDatabase } from '../../src/store/connection.ts';
import { openRunStore, SCHEMA_VERSION, StoreError } from '../../src/store/index.ts';
import type { RunRecord } from '../../src/store/records.ts';
import {
  fakeClock,
  freshIndexedDB,
  sampleCheckpoint,
  sampleConfig,
  telemetryFor,
  trainRows,
} from './helpers.ts';

function run(id: string, status: RunRecord['status'], updatedAt: number): RunRecord {
  return {
    id,
    name: `run ${id}`,
    config: sampleConfig(),
    status,
    createdAt: updatedAt - 100,
    updatedAt,
    summary: { stepsDone: 20, steps: 100, lastLoss: 0.05, testAcc: 0.9, testLoss: 0.3 },
  };
}

/** A library as version 1 of the app wrote it: telemetry inside the metric chunks. */
async function fillV1(indexedDB: IDBFactory): Promise<void> {
  const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 1 });
  expect([...db.objectStoreNames].sort()).toEqual(['checkpoints', 'metrics', 'runs']);
  const tx = db.transaction(['runs', 'metrics', 'checkpoints'], 'readwrite');
  await tx.objectStore('runs').put(run('a', 'completed', 1000));
  await tx.objectStore('runs').put(run('b', 'running', 2000));
  const v1Chunks = [
    { runId: 'a', seq: 0, train: trainRows(1, 10), eval: [], telemetry: telemetryFor(1, 10) },
    {
      runId: 'a',
      seq: 1,
      train: trainRows(11, 20),
      eval: [{ step: 20, loss: 0.3, acc: 0.9 }],
      telemetry: telemetryFor(11, 20),
    },
    // A chunk that only carried telemetry, and one that carried none.
    { runId: 'b', seq: 0, train: [], eval: [], telemetry: telemetryFor(1, 5) },
    { runId: 'b', seq: 1, train: trainRows(1, 5), eval: [], telemetry: null },
  ];
  for (const chunk of v1Chunks) await tx.objectStore('metrics').put(chunk as never);
  await tx.objectStore('checkpoints').put({ runId: 'a', savedAt: 5, ...sampleCheckpoint(20) });
  await tx.done;
  db.close();
}

describe('schema migrations', () => {
  it('upgrades a filled v1 library to the current schema with every record intact', async () => {
    const indexedDB = freshIndexedDB();
    await fillV1(indexedDB);
    const store = await openRunStore({ indexedDB, locks: null, storage: null, now: fakeClock() });

    expect(await store.getRun('a')).toEqual(run('a', 'completed', 1000));
    // b was left running by the old page.
    expect(await store.getRun('b')).toEqual({
      ...run('b', 'running', 2000),
      status: 'interrupted',
    });
    expect(await store.loadMetrics('a')).toEqual({
      train: trainRows(1, 20),
      eval: [{ step: 20, loss: 0.3, acc: 0.9 }],
      telemetry: telemetryFor(1, 20),
    });
    expect(await store.loadMetrics('b')).toEqual({
      train: trainRows(1, 5),
      eval: [],
      telemetry: telemetryFor(1, 5),
    });
    const checkpoint = await store.latestCheckpoint('a');
    expect(checkpoint).toEqual({ runId: 'a', savedAt: 5, ...sampleCheckpoint(20) });

    // New rows continue after the migrated chunks.
    store.appendMetrics('a', { train: trainRows(21, 22), telemetry: telemetryFor(21, 22) });
    await store.flush();
    expect((await store.loadMetrics('a')).telemetry).toEqual(telemetryFor(1, 22));
    await store.close();

    const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB });
    expect(db.version).toBe(SCHEMA_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'checkpoints',
      'experiments',
      'metrics',
      'runs',
      'telemetry',
    ]);
    // v3 moved telemetry out of the chunks and dropped the chunk that held nothing else.
    const chunks = await db.getAll('metrics');
    expect(chunks.map((c) => [c.runId, c.seq])).toEqual([
      ['a', 0],
      ['a', 1],
      ['a', 2],
      ['b', 1],
    ]);
    for (const chunk of chunks) expect(chunk).not.toHaveProperty('telemetry');
    expect(await db.getAllKeys('telemetry')).toEqual([
      ['a', 0],
      ['a', 1],
      ['a', 2],
      ['b', 0],
    ]);
    // v2's index.
    expect(await db.getAllKeysFromIndex('runs', 'status-updatedAt')).toEqual(['a', 'b']);
    db.close();
  });

  it('v5: a run saved before gradientAveraging existed keeps the global averaging it trained with', async () => {
    const indexedDB = freshIndexedDB();
    const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 4 });
    const { gradientAveraging: _, ...oldConfig } = sampleConfig();
    await db.put('runs', { ...run('old', 'completed', 1000), config: oldConfig as never });
    await db.put('runs', {
      ...run('new', 'completed', 2000),
      config: { ...sampleConfig(), gradientAveraging: 'ddp' },
    });
    db.close();
    const store = await openRunStore({ indexedDB, locks: null, storage: null });
    expect((await store.getRun('old'))?.config.gradientAveraging).toBe('global');
    expect((await store.getRun('old'))?.config).toEqual({
      ...oldConfig,
      gradientAveraging: 'global',
    });
    expect((await store.getRun('new'))?.config.gradientAveraging).toBe('ddp');
    await store.close();
  });

  it('upgrades a v2 library (index present, telemetry still inline)', async () => {
    const indexedDB = freshIndexedDB();
    await fillV1(indexedDB);
    (await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 2 })).close();
    const store = await openRunStore({ indexedDB, locks: null, storage: null });
    expect((await store.loadMetrics('a')).telemetry).toEqual(telemetryFor(1, 20));
    await store.close();
  });

  it('a migration that fails leaves the library at its old version, untouched', async () => {
    const indexedDB = freshIndexedDB();
    await fillV1(indexedDB);
    let db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 1 });
    // A damaged chunk the v3 migration cannot read (no train rows).
    await db.put('metrics', { runId: 'z', seq: 0, telemetry: telemetryFor(1, 2) } as never);
    db.close();

    await expect(openRunStore({ indexedDB, locks: null, storage: null })).rejects.toThrow(
      /Upgrading the run library failed, so it was left as it was/,
    );
    await expect(openRunStore({ indexedDB, locks: null, storage: null })).rejects.toBeInstanceOf(
      StoreError,
    );

    db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB, version: 1 });
    expect(db.version).toBe(1);
    expect([...db.objectStoreNames].sort()).toEqual(['checkpoints', 'metrics', 'runs']);
    expect(await db.count('metrics')).toBe(5);
    const first = (await db.get('metrics', ['a', 0])) as unknown as { telemetry: unknown };
    expect(first.telemetry).toEqual(telemetryFor(1, 10));
    expect((await db.get('runs', 'b'))?.status).toBe('running');
    db.close();
  });

  it('says so when the library is newer than the page', async () => {
    const indexedDB = freshIndexedDB();
    const raw = indexedDB.open('syncbn-lab', SCHEMA_VERSION + 1);
    await new Promise((resolve) => raw.addEventListener('success', resolve));
    raw.result.close();
    await expect(openRunStore({ indexedDB })).rejects.toThrow(/newer version of syncbn-lab/);
  });
});
