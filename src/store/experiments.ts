import type { ExperimentName, Finding } from '../experiments/kit/types.ts';
import type { LabDatabase } from './db-schema.ts';
import type { RunStatus } from './records.ts';
import { readTransaction, writeTransaction } from './transaction.ts';

/**
 * One session of a named experiment, persisted like a run: saved after every finished unit, so a
 * stopped or interrupted session keeps its rows (and can be resumed with runPlan's `previous`).
 */
export interface ExperimentRecord {
  readonly id: string;
  readonly name: ExperimentName;
  readonly quick: boolean;
  /** `running` in a record no page is computing means the page went away (shown as interrupted). */
  readonly status: RunStatus;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly seeds: readonly number[];
  readonly rows: readonly object[];
  readonly finding: Finding;
  /** Wall time spent computing the rows, summed over resumed sessions. */
  readonly elapsedMs: number;
  /** False while configurations are missing. */
  readonly complete: boolean;
  readonly error?: string;
}

export async function putExperiment(db: LabDatabase, record: ExperimentRecord): Promise<void> {
  await writeTransaction(db, ['experiments'], async (tx) => {
    await tx.objectStore('experiments').put(record);
  });
}

export function getExperiment(db: LabDatabase, id: string): Promise<ExperimentRecord | undefined> {
  return readTransaction(db, ['experiments'], async (tx) => tx.objectStore('experiments').get(id));
}

/** Most recently updated first. */
export async function listExperiments(db: LabDatabase): Promise<ExperimentRecord[]> {
  const all = await readTransaction(db, ['experiments'], async (tx) =>
    tx.objectStore('experiments').index('updatedAt').getAll(),
  );
  return all.reverse();
}

export async function deleteExperiment(db: LabDatabase, id: string): Promise<boolean> {
  return writeTransaction(db, ['experiments'], async (tx) => {
    if (!(await tx.objectStore('experiments').getKey(id))) return false;
    await tx.objectStore('experiments').delete(id);
    return true;
  });
}
