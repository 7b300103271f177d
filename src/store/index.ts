export type { VersionInfo } from './connection.ts';
export {
  ImportError,
  RunNotFoundError,
  StoreBlockedError,
  StoreClosedError,
  StoreError,
  StoreQuotaError,
} from './errors.ts';
export type { ExperimentRecord } from './experiments.ts';
export { RUN_EXPORT_FORMAT, RUN_EXPORT_VERSION, type RunExport } from './export-format.ts';
export { SCHEMA_VERSION } from './migrations/index.ts';
export { openRunStore, type RunStoreOptions } from './open-run-store.ts';
export {
  type CheckpointRecord,
  type LoadedCurves,
  type LoadedMetrics,
  type MetricsBatch,
  RUN_STATUSES,
  type RunOrigin,
  type RunRecord,
  type RunStatus,
  type RunSummary,
} from './records.ts';
export type { RunStore } from './run-store.ts';
export type { RunPatch, RunQuery, RunSortKey } from './runs.ts';
export type { StorageEstimate } from './storage.ts';
