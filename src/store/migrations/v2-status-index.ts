import type { Migration } from './migration.ts';

/**
 * v2: index runs by [status, updatedAt], so finding the runs a reload left `running` (and listing
 * one status, most recent first) no longer reads the whole library.
 */
export const v2StatusIndex: Migration = {
  version: 2,
  description: 'index runs by status and last update',
  migrate(_db, tx) {
    tx.objectStore('runs').createIndex('status-updatedAt', ['status', 'updatedAt']);
  },
};
