import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type {
  CheckpointRecord,
  ExperimentRecord,
  MetricsChunk,
  RunRecord,
  RunStatus,
  TelemetryChunk,
} from './records.ts';

export const DEFAULT_DB_NAME = 'syncbn-lab';

/** The current schema, as the migrations in ./migrations leave it. */
export interface LabSchema extends DBSchema {
  runs: {
    key: string;
    value: RunRecord;
    indexes: { createdAt: number; 'status-updatedAt': [RunStatus, number] };
  };
  metrics: { key: [string, number]; value: MetricsChunk };
  telemetry: { key: [string, number]; value: TelemetryChunk };
  checkpoints: { key: [string, number]; value: CheckpointRecord };
  experiments: { key: string; value: ExperimentRecord; indexes: { updatedAt: number } };
}

export const ALL_STORES: LabStoreName[] = ['runs', 'metrics', 'telemetry', 'checkpoints'];

export type LabDatabase = IDBPDatabase<LabSchema>;
export type LabStoreName = StoreNames<LabSchema>;
export type LabTransaction<Names extends LabStoreName[]> = IDBPTransaction<
  LabSchema,
  Names,
  'readwrite' | 'readonly'
>;

/** Every [runId, n] key of one run (the stores keyed by run share this shape). */
export function runKeyRange(runId: string): IDBKeyRange {
  return IDBKeyRange.bound([runId, -Infinity], [runId, Infinity]);
}
