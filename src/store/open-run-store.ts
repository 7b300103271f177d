import { openLabDatabase, type VersionInfo } from './connection.ts';
import { DEFAULT_DB_NAME } from './db-schema.ts';
import type { StoreError } from './errors.ts';
import type { LockManagerLike } from './run-locks.ts';
import { RunStore } from './run-store.ts';
import type { StorageManagerLike } from './storage.ts';
import type { StatusJournal } from './unsaved-status.ts';

export interface RunStoreOptions {
  /** Database name (default "syncbn-lab"); tests and side-by-side libraries use their own. */
  readonly name?: string;
  /** Default: globalThis.indexedDB. */
  readonly indexedDB?: IDBFactory;
  /** Another tab holds an older schema open and does not let go: ask the user to close it. */
  readonly onBlocked?: (info: VersionInfo) => void;
  /** Reject with StoreBlockedError after this long blocked. Default: wait for the other tab. */
  readonly blockedTimeoutMs?: number;
  /** Another tab upgrades or deletes the library: this store has closed itself; reload the page. */
  readonly onVersionChange?: (info: VersionInfo) => void;
  /** A background metrics write failed (StoreQuotaError: storage full); stop the run cleanly. */
  readonly onWriteError?: (error: StoreError) => void;
  /** Default 500 ms / 1000 rows. */
  readonly flushIntervalMs?: number;
  readonly flushRows?: number;
  /** Checkpoints kept per run (default 2). */
  readonly keepCheckpoints?: number;
  /** Mark runs left `running` as `interrupted` while opening (default true). */
  readonly markInterrupted?: boolean;
  /** Default: navigator.locks / navigator.storage when present; null: none. */
  readonly locks?: LockManagerLike | null;
  readonly storage?: StorageManagerLike | null;
  /**
   * Where statuses a full disk refused are kept across reloads. Default: localStorage when the
   * page has it; null: none (they show in this page only).
   */
  readonly statusJournal?: StatusJournal | null;
  /** Milliseconds since the epoch (tests pass a fake clock). */
  readonly now?: () => number;
  /** Default: a random UUID. */
  readonly newId?: () => string;
}

/**
 * Open (creating or upgrading) the run library. Unless `markInterrupted: false`, runs a previous
 * page left `running` become `interrupted` before this resolves (see RunStore.markInterrupted).
 */
export async function openRunStore(options: RunStoreOptions = {}): Promise<RunStore> {
  const name = options.name ?? DEFAULT_DB_NAME;
  let store: RunStore | undefined;
  const db = await openLabDatabase({
    name,
    factory: options.indexedDB,
    onBlocked: options.onBlocked,
    blockedTimeoutMs: options.blockedTimeoutMs,
    onVersionChange: (info) => store?.yieldToUpgrade(info),
    onTerminated: () =>
      store?.shutDown('The browser closed the run library (was site data cleared?).'),
  });
  store = new RunStore(db, name, options);
  try {
    if (options.markInterrupted ?? true) await store.markInterrupted();
  } catch (error) {
    store.shutDown('The run library could not be opened.');
    throw error;
  }
  return store;
}
