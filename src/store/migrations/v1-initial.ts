import type { Migration } from './migration.ts';

/**
 * v1: runs by id; metric chunks { runId, seq, train, eval, telemetry | null } keyed [runId, seq];
 * checkpoints keyed [runId, step].
 */
export const v1Initial: Migration = {
  version: 1,
  description: 'runs, metric chunks and checkpoints',
  migrate(db) {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('createdAt', 'createdAt');
    db.createObjectStore('metrics', { keyPath: ['runId', 'seq'] });
    db.createObjectStore('checkpoints', { keyPath: ['runId', 'step'] });
  },
};
