import type { IDBPDatabase, IDBPTransaction } from 'idb';

/**
 * One schema step. A migration sees the database as the previous version left it, so it is typed
 * loosely on purpose: the current record types may no longer describe old data.
 */
export interface Migration {
  /** The schema version this migration produces. */
  readonly version: number;
  readonly description: string;
  /**
   * Runs inside the upgrade transaction. Return a promise only when data must be moved, and await
   * nothing but requests on `tx` (the transaction closes once no request is pending).
   */
  migrate(
    db: IDBPDatabase<unknown>,
    tx: IDBPTransaction<unknown, string[], 'versionchange'>,
  ): void | Promise<void>;
}
