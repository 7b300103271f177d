import type { Migration } from './migration.ts';

/**
 * v4: named experiments' results, one record per experiment session, keyed by id and indexed by
 * [name, quick] so a stopped session of the same experiment and mode can be found and resumed.
 */
export const v4Experiments: Migration = {
  version: 4,
  description: 'named experiment results',
  migrate(db) {
    const experiments = db.createObjectStore('experiments', { keyPath: 'id' });
    experiments.createIndex('updatedAt', 'updatedAt');
  },
};
