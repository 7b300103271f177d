import type { Migration } from './migration.ts';
import { v1Initial } from './v1-initial.ts';
import { v2StatusIndex } from './v2-status-index.ts';
import { v3TelemetryStore } from './v3-telemetry-store.ts';
import { v4Experiments } from './v4-experiments.ts';
import { v5GradientAveraging } from './v5-gradient-averaging.ts';

/** In version order; the last one's version is the schema version the app opens. */
export const MIGRATIONS: readonly Migration[] = [
  v1Initial,
  v2StatusIndex,
  v3TelemetryStore,
  v4Experiments,
  v5GradientAveraging,
];

export const SCHEMA_VERSION = latestVersion(MIGRATIONS);

function latestVersion(migrations: readonly Migration[]): number {
  const last = migrations.at(-1);
  if (!last) throw new Error('store: no migrations, so no schema version to open the database at');
  return last.version;
}

/** The migrations that take a database at `from` to `to`, in order. */
export function migrationsBetween(from: number, to: number): Migration[] {
  return MIGRATIONS.filter((m) => m.version > from && m.version <= to);
}
