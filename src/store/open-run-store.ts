import { openLabDatabase } from './connection.ts';
import { DEFAULT_DB_NAME } from './db-schema.ts';
import { RunStore } from './run-store.ts';
import type { RunStoreOptions } from './run-store-options.ts';

export type { RunStoreOptions } from './run-store-options.ts';

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
