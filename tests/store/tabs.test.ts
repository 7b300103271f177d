import { describe, expect, it, vi } from 'vitest';
import { openLabDatabase, type VersionInfo } from '../../src/store/connection.ts';
import {
  openRunStore,
  SCHEMA_VERSION,
  StoreBlockedError,
  StoreClosedError,
} from '../../src/store/index.ts';
import { freshIndexedDB, openTestStore, sampleConfig, trainRows } from './helpers.ts';

/** An old page that holds version 1 open and ignores requests to close. */
async function stubbornOldTab(indexedDB: IDBFactory): Promise<IDBDatabase> {
  const request = indexedDB.open('syncbn-lab', 1);
  request.addEventListener('upgradeneeded', () => {
    request.result
      .createObjectStore('runs', { keyPath: 'id' })
      .createIndex('createdAt', 'createdAt');
    request.result.createObjectStore('metrics', { keyPath: ['runId', 'seq'] });
    request.result.createObjectStore('checkpoints', { keyPath: ['runId', 'step'] });
  });
  await new Promise((resolve) => request.addEventListener('success', resolve));
  return request.result;
}

describe('two tabs', () => {
  it('a newer tab upgrading makes this store save what it has, close, and say so', async () => {
    const changes: VersionInfo[] = [];
    const { store, indexedDB } = await openTestStore({
      onVersionChange: (info) => changes.push(info),
    });
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 4) });

    const blocked = vi.fn();
    const newer = await openLabDatabase({
      name: 'syncbn-lab',
      factory: indexedDB,
      version: SCHEMA_VERSION + 1,
      onBlocked: blocked,
    });
    expect(blocked).not.toHaveBeenCalled();
    expect(changes).toEqual([
      { currentVersion: SCHEMA_VERSION, requestedVersion: SCHEMA_VERSION + 1 },
    ]);
    expect(store.closed).toBe(true);
    await expect(store.listRuns()).rejects.toBeInstanceOf(StoreClosedError);
    expect(() => store.appendMetrics(run.id, {})).toThrow(/Another syncbn-lab tab upgraded/);
    // The rows buffered at that moment were written before the connection let go.
    const chunk = await newer.get('metrics', [run.id, 0]);
    expect(chunk?.train).toEqual(trainRows(1, 4));
    newer.close();
  });

  it('deleting the database from another tab closes this store too', async () => {
    const changes: VersionInfo[] = [];
    const { store, indexedDB } = await openTestStore({
      onVersionChange: (info) => changes.push(info),
    });
    const deleted = indexedDB.deleteDatabase('syncbn-lab');
    await new Promise((resolve) => deleted.addEventListener('success', resolve));
    expect(changes).toEqual([{ currentVersion: SCHEMA_VERSION, requestedVersion: null }]);
    expect(store.closed).toBe(true);
  });

  it('an old tab that will not let go: onBlocked fires, the open completes once it closes', async () => {
    const indexedDB = freshIndexedDB();
    const old = await stubbornOldTab(indexedDB);
    const blocked: VersionInfo[] = [];
    const opening = openRunStore({
      indexedDB,
      locks: null,
      onBlocked: (info) => blocked.push(info),
    });
    await vi.waitFor(() =>
      expect(blocked).toEqual([{ currentVersion: 1, requestedVersion: SCHEMA_VERSION }]),
    );
    old.close(); // the user closed the other tab
    const store = await opening;
    await store.createRun(sampleConfig());
    expect(await store.listRuns()).toHaveLength(1);
    await store.close();
  });

  it('with blockedTimeoutMs, gives up with StoreBlockedError and lets go once it could open', async () => {
    const indexedDB = freshIndexedDB();
    const old = await stubbornOldTab(indexedDB);
    const onBlocked = vi.fn();
    await expect(
      openRunStore({ indexedDB, locks: null, onBlocked, blockedTimeoutMs: 50 }),
    ).rejects.toThrow(StoreBlockedError);
    expect(onBlocked).toHaveBeenCalledTimes(1);
    old.close();
    // The abandoned open went through after the old tab closed, and must not hold the database.
    const later = await openRunStore({ indexedDB, locks: null, onBlocked, blockedTimeoutMs: 1000 });
    expect(onBlocked).toHaveBeenCalledTimes(1);
    await later.close();
    const next = await openLabDatabase({
      name: 'syncbn-lab',
      factory: indexedDB,
      version: SCHEMA_VERSION + 1,
      onBlocked,
      blockedTimeoutMs: 1000,
    });
    expect(onBlocked).toHaveBeenCalledTimes(1);
    next.close();
  });

  it('two current tabs share the library', async () => {
    const { store: a, indexedDB } = await openTestStore();
    const { store: b } = await openTestStore({ indexedDB });
    const run = await a.createRun(sampleConfig());
    a.appendMetrics(run.id, { train: trainRows(1, 3) });
    await a.flush();
    expect((await b.loadMetrics(run.id)).train).toEqual(trainRows(1, 3));
    await a.close();
    await b.close();
  });
});
