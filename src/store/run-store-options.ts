import type { VersionInfo } from './connection.ts';
import type { StoreError } from './errors.ts';
import type { LockManagerLike } from './run-locks.ts';
import type { StorageManagerLike } from './storage.ts';
import type { StatusJournal } from './unsaved-status.ts';

/** How openRunStore opens the library and how the RunStore it returns behaves. */
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
  /**
   * Runs changed without a call from this page: a run another page held (a page that was
   * reloaded or closed mid-run) was marked `interrupted` once that page let its lock go.
   */
  readonly onRunsChanged?: () => void;
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
