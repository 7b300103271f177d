import type { IDBPTransaction } from 'idb';
import type { LabDatabase, LabSchema, LabStoreName } from './db-schema.ts';
import { toStoreError } from './errors.ts';

export type WriteTx<Names extends LabStoreName[]> = IDBPTransaction<LabSchema, Names, 'readwrite'>;
/** Writes that touch several stores (metrics flushes, checkpoints, imports) take them all. */
export type AllStoresTx = WriteTx<LabStoreName[]>;
export type ReadTx<Names extends LabStoreName[]> = IDBPTransaction<LabSchema, Names, 'readonly'>;

/**
 * Run `body` in one readwrite transaction: it commits whole or not at all. `body` must await only
 * requests on `tx` (never a worker, fetch or timer), or the transaction closes under it. The
 * transaction is created before this returns, so callers can rely on IndexedDB's ordering of
 * overlapping transactions.
 */
export function writeTransaction<Names extends LabStoreName[], T>(
  db: LabDatabase,
  stores: Names,
  body: (tx: WriteTx<Names>) => Promise<T>,
): Promise<T> {
  let tx: WriteTx<Names>;
  try {
    tx = db.transaction(stores, 'readwrite');
  } catch (error) {
    return Promise.reject(toStoreError(error));
  }
  return settle(tx, body);
}

export function readTransaction<Names extends LabStoreName[], T>(
  db: LabDatabase,
  stores: Names,
  body: (tx: ReadTx<Names>) => Promise<T>,
): Promise<T> {
  let tx: ReadTx<Names>;
  try {
    tx = db.transaction(stores, 'readonly');
  } catch (error) {
    return Promise.reject(toStoreError(error));
  }
  return settle(tx, body);
}

async function settle<Names extends LabStoreName[], Mode extends IDBTransactionMode, T>(
  tx: IDBPTransaction<LabSchema, Names, Mode>,
  body: (tx: IDBPTransaction<LabSchema, Names, Mode>) => Promise<T>,
): Promise<T> {
  try {
    const result = await body(tx);
    // Quota is often enforced at commit, so the error may only show up here.
    await tx.done;
    return result;
  } catch (error) {
    tx.done.catch(() => {});
    try {
      tx.abort();
    } catch {
      // Already committed or aborted: nothing left to roll back.
    }
    throw toStoreError(error);
  }
}
