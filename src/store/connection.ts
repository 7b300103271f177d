import { type IDBPDatabase, type IDBPTransaction, wrap } from 'idb';
import { errorMessage } from '../core/error-message.ts';
import type { LabDatabase } from './db-schema.ts';
import { StoreBlockedError, StoreError } from './errors.ts';
import { migrationsBetween, SCHEMA_VERSION } from './migrations/index.ts';

export interface VersionInfo {
  /** The version this side holds open. */
  readonly currentVersion: number;
  /** The version the other side asks for; null when it deletes the database. */
  readonly requestedVersion: number | null;
}

export interface ConnectionOptions {
  readonly name: string;
  /** Default: the global indexedDB (tests pass a fresh fake-indexeddb factory). */
  readonly factory?: IDBFactory;
  /** Default: the current schema. Tests open older versions to exercise the migrations. */
  readonly version?: number;
  /** An older connection (another tab) keeps us from upgrading; say "close the other tab". */
  readonly onBlocked?: (info: VersionInfo) => void;
  /** Give up waiting for the other tab after this long (StoreBlockedError). Default: keep waiting. */
  readonly blockedTimeoutMs?: number;
  /** Another connection wants to upgrade or delete; this one must close (the caller does). */
  readonly onVersionChange?: (info: VersionInfo) => void;
  /** The browser closed the connection abnormally (storage cleared, disk error). */
  readonly onTerminated?: () => void;
}

/**
 * Open the database and bring its schema up to date, one migration file per version. A failing
 * migration aborts the upgrade: the database stays at its old version with its data untouched.
 */
export function openLabDatabase(options: ConnectionOptions): Promise<LabDatabase> {
  const factory = options.factory ?? globalThis.indexedDB;
  if (!factory) return Promise.reject(new StoreError('This browser has no IndexedDB storage.'));
  const version = options.version ?? SCHEMA_VERSION;
  const request = factory.open(options.name, version);
  let migrationError: unknown;

  request.addEventListener('upgradeneeded', (event) => {
    const db = wrap(request.result) as IDBPDatabase<unknown>;
    // During upgradeneeded the open request always carries its versionchange transaction.
    const tx = wrap(request.transaction!) as unknown as IDBPTransaction<
      unknown,
      string[],
      'versionchange'
    >;
    // The open request reports a failed upgrade; the transaction's own promise would go unheard.
    tx.done.catch(() => {});
    runMigrations(db, tx, event.oldVersion, version).catch((error: unknown) => {
      migrationError = error;
      try {
        tx.abort();
      } catch {
        // The transaction already ended; the open request reports why.
      }
    });
  });

  return new Promise<LabDatabase>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let gaveUp = false;
    request.addEventListener('blocked', (event) => {
      options.onBlocked?.({ currentVersion: event.oldVersion, requestedVersion: event.newVersion });
      if (options.blockedTimeoutMs !== undefined && timer === undefined) {
        timer = setTimeout(() => {
          gaveUp = true;
          reject(
            new StoreBlockedError(
              'Another tab has an older version of syncbn-lab open and keeps the run library locked. ' +
                'Close the other syncbn-lab tabs and reload this page.',
            ),
          );
        }, options.blockedTimeoutMs);
      }
    });
    request.addEventListener('success', () => {
      clearTimeout(timer);
      const raw = request.result;
      // We stopped waiting: let go at once so we never block anyone in turn.
      if (gaveUp) return raw.close();
      raw.addEventListener('versionchange', (event) =>
        options.onVersionChange?.({
          currentVersion: event.oldVersion,
          requestedVersion: event.newVersion,
        }),
      );
      raw.addEventListener('close', () => options.onTerminated?.());
      resolve(wrap(raw) as unknown as LabDatabase);
    });
    request.addEventListener('error', (event) => {
      clearTimeout(timer);
      event.preventDefault();
      const cause = migrationError ?? request.error;
      const detail = errorMessage(cause);
      let message = `The run library could not be opened: ${detail}`;
      if (migrationError) {
        message = `Upgrading the run library failed, so it was left as it was: ${detail}`;
      } else if (request.error?.name === 'VersionError') {
        message =
          'The run library was saved by a newer version of syncbn-lab than this page. ' +
          'Reload the page to get the newest version.';
      }
      reject(new StoreError(message, { cause }));
    });
  });
}

/** Awaits only when a migration moves data, so schema-only steps stay inside the upgrade event. */
async function runMigrations(
  db: IDBPDatabase<unknown>,
  tx: IDBPTransaction<unknown, string[], 'versionchange'>,
  from: number,
  to: number,
): Promise<void> {
  for (const migration of migrationsBetween(from, to)) {
    const pending = migration.migrate(db, tx);
    if (pending) await pending;
  }
}
