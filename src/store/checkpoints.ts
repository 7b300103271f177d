import type { Checkpoint } from '../workers/checkpoint.ts';
import type { OptimizerState } from '../core/optim/optimizer.ts';
import { type LabDatabase, runKeyRange } from './db-schema.ts';
import { RunNotFoundError } from './errors.ts';
import type { CheckpointRecord } from './records.ts';
import { type AllStoresTx, readTransaction } from './transaction.ts';

export const DEFAULT_KEEP_CHECKPOINTS = 2;

/**
 * Own, tightly sized copies: a view into a larger (or shared) buffer would otherwise store the
 * whole buffer, or fail to clone at all.
 */
function ownCopy(checkpoint: Checkpoint): Omit<CheckpointRecord, 'runId' | 'savedAt'> {
  const buffers: OptimizerState['buffers'] = {};
  for (const [key, value] of Object.entries(checkpoint.optimizer.buffers))
    buffers[key] = value.slice();
  return {
    step: checkpoint.step,
    params: checkpoint.params.slice(),
    buffers: checkpoint.buffers.slice(),
    optimizer: { kind: checkpoint.optimizer.kind, step: checkpoint.optimizer.step, buffers },
  };
}

/** Save one checkpoint (same step: replaced) and drop all but the newest `keep` of the run. */
export async function putCheckpoint(
  tx: AllStoresTx,
  runId: string,
  checkpoint: Checkpoint,
  keep: number,
  now: number,
): Promise<void> {
  if (!(await tx.objectStore('runs').getKey(runId))) throw new RunNotFoundError(runId);
  const store = tx.objectStore('checkpoints');
  await store.put({ runId, savedAt: now, ...ownCopy(checkpoint) });
  const keys = await store.getAllKeys(runKeyRange(runId));
  for (const key of keys.slice(0, Math.max(0, keys.length - keep))) await store.delete(key);
}

export async function latestCheckpoint(
  db: LabDatabase,
  runId: string,
): Promise<CheckpointRecord | null> {
  return readTransaction(db, ['checkpoints'], async (tx) => {
    const cursor = await tx.objectStore('checkpoints').openCursor(runKeyRange(runId), 'prev');
    return cursor?.value ?? null;
  });
}
