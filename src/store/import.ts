import { ConfigError, parseConfig, type RunConfig } from '../config/schema.ts';
import { errorMessage } from '../core/error-message.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import { checkpointMismatches } from './checkpoint-layout.ts';
import { ImportError } from './errors.ts';
import {
  type ParsedRunExport,
  RUN_EXPORT_FORMAT,
  RUN_EXPORT_VERSION,
  runExportSchema,
} from './export-format.ts';
import { fingerprintOf } from './fingerprint.ts';
import { completeTelemetry } from './series.ts';
import { decodeFloat32 } from './float32-base64.ts';
import { metricsMismatches } from './import-consistency.ts';
import type { LoadedMetrics, RunStatus, RunSummary } from './records.ts';
import { missingConfigKeys, withOlderExportKeys } from './required-config-keys.ts';
import { checkName } from './runs.ts';

/** A run export checked through and through, ready to be written. */
export interface ValidatedImport {
  readonly name: string;
  readonly status: RunStatus;
  readonly createdAt: number;
  readonly config: RunConfig;
  readonly summary: RunSummary;
  readonly metrics: LoadedMetrics;
  readonly checkpoint: Checkpoint | null;
}

const NOT_AN_EXPORT = 'This file is not a syncbn-lab run export';
const MAX_LISTED_PROBLEMS = 5;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = errorMessage(error);
    throw new ImportError(
      `${NOT_AN_EXPORT}: it is not valid JSON (${detail}). The file may be cut short or not be an export at all.`,
    );
  }
}

function checkEnvelope(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportError(`${NOT_AN_EXPORT}: it holds ${describe(value)}, not an object.`);
  }
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== RUN_EXPORT_FORMAT) {
    throw new ImportError(
      format === undefined
        ? `${NOT_AN_EXPORT}: it has no "format": "${RUN_EXPORT_FORMAT}" entry.`
        : `${NOT_AN_EXPORT}: its format is ${JSON.stringify(format)}, not "${RUN_EXPORT_FORMAT}".`,
    );
  }
  if (typeof version === 'number' && version > RUN_EXPORT_VERSION) {
    throw new ImportError(
      `This run export was made by a newer syncbn-lab (file format ${version}); this version reads format ${RUN_EXPORT_VERSION}. Reload the page to update it.`,
    );
  }
}

function checkShape(value: unknown): ParsedRunExport {
  const result = runExportSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(file)';
    return `${path}: ${issue.message}`;
  });
  throw new ImportError(`This run export is damaged or incomplete: ${listed(problems)}.`);
}

function listed(problems: readonly string[]): string {
  const more =
    problems.length > MAX_LISTED_PROBLEMS
      ? ` (and ${problems.length - MAX_LISTED_PROBLEMS} more)`
      : '';
  return `${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}${more}`;
}

function checkConfig(file: Record<string, unknown>): RunConfig {
  const input = withOlderExportKeys(file);
  // No defaults for an imported run: a missing key would silently become another run.
  const missing = missingConfigKeys(input);
  if (missing.length > 0) {
    throw new ImportError(
      `The run's config is incomplete: run.config has no ${listed(missing)}. An imported run must say how it was trained; export it again from syncbn-lab.`,
    );
  }
  try {
    return parseConfig(input);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    throw new ImportError(`The run's config is invalid: ${error.message.split('\n').join('; ')}`);
  }
}

function decodeCheckpoint(
  c: NonNullable<ParsedRunExport['checkpoint']>,
  config: RunConfig,
): Checkpoint {
  try {
    if (c.step > config.steps) {
      throw new Error(`checkpoint.step is ${c.step}, past the run's ${config.steps} steps`);
    }
    const buffers: Record<string, Float32Array> = {};
    for (const [key, value] of Object.entries(c.optimizer.buffers)) {
      buffers[key] = decodeFloat32(value, `checkpoint.optimizer.buffers["${key}"]`);
    }
    const checkpoint: Checkpoint = {
      step: c.step,
      params: decodeFloat32(c.params, 'checkpoint.params'),
      buffers: decodeFloat32(c.buffers, 'checkpoint.buffers'),
      optimizer: { kind: c.optimizer.kind, step: c.optimizer.step, buffers },
    };
    const misfits = checkpointMismatches(checkpoint, config);
    if (misfits.length > 0) throw new Error(listed(misfits));
    if (c.fingerprint !== undefined && c.fingerprint !== fingerprintOf(c, config)) {
      throw new Error(
        'checkpoint.fingerprint does not match run.config and the checkpoint: one of them was changed after export, so the run cannot be resumed to its own numbers',
      );
    }
    return checkpoint;
  } catch (error) {
    const detail = errorMessage(error);
    throw new ImportError(`The run's checkpoint is damaged: ${detail}.`);
  }
}

/**
 * Check a run export (its text or the parsed JSON) completely, before anything is written: every
 * problem surfaces as an ImportError worded for the person who picked the file.
 */
export function validateRunExport(data: unknown): ValidatedImport {
  const value = typeof data === 'string' ? parseJson(data) : data;
  checkEnvelope(value);
  const parsed = checkShape(value);
  const config = checkConfig(parsed.run.config);
  const disagreements = metricsMismatches(parsed, config);
  if (disagreements.length > 0) {
    throw new ImportError(`This run export contradicts its own config: ${listed(disagreements)}.`);
  }
  const checkpoint = parsed.checkpoint ? decodeCheckpoint(parsed.checkpoint, config) : null;
  let name: string;
  try {
    name = checkName(parsed.run.name);
  } catch (error) {
    throw new ImportError(`The run's name is unusable: ${(error as Error).message}`);
  }
  return {
    name,
    // A run exported while it trained is, once imported, a run that stopped mid-way.
    status: parsed.run.status === 'running' ? 'interrupted' : parsed.run.status,
    createdAt: parsed.run.createdAt,
    config,
    summary: parsed.run.summary,
    metrics: {
      ...parsed.metrics,
      telemetry: parsed.metrics.telemetry && completeTelemetry(parsed.metrics.telemetry),
    },
    checkpoint,
  };
}
