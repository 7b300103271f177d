import type { Migration } from './migration.ts';

interface V1MetricsChunk {
  runId: string;
  seq: number;
  train: unknown[];
  eval: unknown[];
  telemetry?: unknown;
}

/**
 * v3: move telemetry out of the metric chunks into its own store (same [runId, seq] keys).
 * Per-device, per-layer columns are many times larger than the loss rows; the run list and loss
 * charts should not have to deserialize them.
 */
export const v3TelemetryStore: Migration = {
  version: 3,
  description: 'telemetry in its own store',
  async migrate(db, tx) {
    db.createObjectStore('telemetry', { keyPath: ['runId', 'seq'] });
    const metrics = tx.objectStore('metrics');
    const telemetry = tx.objectStore('telemetry');
    let cursor = await metrics.openCursor();
    while (cursor) {
      const { telemetry: columns, ...chunk } = cursor.value as V1MetricsChunk;
      if (columns) await telemetry.put({ runId: chunk.runId, seq: chunk.seq, telemetry: columns });
      if (chunk.train.length === 0 && chunk.eval.length === 0) await cursor.delete();
      else if (columns !== undefined) await cursor.update(chunk);
      cursor = await cursor.continue();
    }
  },
};
