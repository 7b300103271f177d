import type { LabDatabase } from './db-schema.ts';
import type { ExperimentRecord } from './records.ts';
import { readTransaction, writeTransaction } from './transaction.ts';

export type { ExperimentRecord } from './records.ts';

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
