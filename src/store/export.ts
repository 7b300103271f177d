import type { RunConfig } from '../config/schema.ts';
import { toConfigInput } from '../config/config-input.ts';
import { RUN_EXPORT_FORMAT, RUN_EXPORT_VERSION, type RunExport } from './export-format.ts';
import { fingerprintOf } from './fingerprint.ts';
import { encodeFloat32 } from './float32-base64.ts';
import { encodeNumbers } from './json-numbers.ts';
import type { CheckpointRecord, LoadedMetrics, RunRecord } from './records.ts';

export function buildRunExport(
  run: RunRecord,
  metrics: LoadedMetrics,
  checkpoint: CheckpointRecord | null,
  now: number,
): RunExport {
  return {
    format: RUN_EXPORT_FORMAT,
    version: RUN_EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    run: {
      id: run.id,
      name: run.name,
      status: run.status,
      createdAt: run.createdAt,
      updatedAt: run.updatedAt,
      config: toConfigInput(run.config),
      summary: encodeNumbers(run.summary),
      // A run from PyTorch stays one through an export and an import.
      ...(run.origin ? { origin: run.origin } : {}),
    },
    metrics: {
      train: encodeNumbers(metrics.train),
      eval: encodeNumbers(metrics.eval),
      telemetry: metrics.telemetry ? encodeNumbers(metrics.telemetry) : null,
    },
    ...(checkpoint ? { checkpoint: encodeCheckpoint(checkpoint, run.config) } : {}),
  };
}

function encodeCheckpoint(
  c: CheckpointRecord,
  config: RunConfig,
): NonNullable<RunExport['checkpoint']> {
  const buffers: Record<string, ReturnType<typeof encodeFloat32>> = {};
  for (const [key, value] of Object.entries(c.optimizer.buffers))
    buffers[key] = encodeFloat32(value);
  const encoded = {
    step: c.step,
    savedAt: c.savedAt,
    params: encodeFloat32(c.params),
    buffers: encodeFloat32(c.buffers),
    optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, buffers },
  };
  return { ...encoded, fingerprint: fingerprintOf(encoded, config) };
}
