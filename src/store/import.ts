import { msg, str } from '@lit/localize';
import zodZhCN from 'zod/v4/locales/zh-CN.js';
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
import type { LoadedMetrics, RunOrigin, RunStatus, RunSummary } from './records.ts';
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
  /** A run from PyTorch exported from the library keeps its origin. */
  readonly origin?: RunOrigin;
}

const MAX_LISTED_PROBLEMS = 5;

/** What a file's JSON holds instead of an object, in the reader's words. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return msg('a list');
  switch (typeof value) {
    case 'string':
      return msg('a string');
    case 'number':
      return msg('a number');
    case 'boolean':
      return msg('a boolean');
    default:
      return `a ${typeof value}`;
  }
}

/**
 * Where JSON.parse stopped, in the reader's words rather than the engine's (its message is
 * English in every language): the line and column, or that the text ends too early.
 */
export function jsonProblem(error: unknown, text: string): string {
  const engine = errorMessage(error);
  const at = /position (\d+)/.exec(engine);
  const position = at ? Number(at[1]) : null;
  if (
    /end of (JSON )?(input|data)/i.test(engine) ||
    (position !== null && position >= text.trimEnd().length)
  ) {
    return msg('the text ends too early');
  }
  if (position !== null) {
    const before = text.slice(0, position).split('\n');
    const line = before.length;
    const column = (before.at(-1)?.length ?? 0) + 1;
    return msg(str`unexpected text at line ${line}, column ${column}`);
  }
  const token = /Unexpected token '(.+?)'/.exec(engine)?.[1];
  if (token !== undefined) return msg(str`unexpected “${token}”`);
  return engine;
}

/**
 * A file's text as JSON (its problem in the reader's words), or the value when already parsed.
 * Run exports and PyTorch metrics files are both read through it.
 */
export function parseImportJson(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data);
  } catch (error) {
    throw new ImportError(() => {
      const detail = jsonProblem(error, data);
      return msg(
        str`This file is not a syncbn-lab run export: it is not valid JSON (${detail}). The file may be cut short or not be an export at all.`,
      );
    });
  }
}

function checkEnvelope(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ImportError(() => {
      const held = describe(value);
      return msg(str`This file is not a syncbn-lab run export: it holds ${held}, not an object.`);
    });
  }
  const { format, version } = value as { format?: unknown; version?: unknown };
  if (format !== RUN_EXPORT_FORMAT) {
    const wanted = RUN_EXPORT_FORMAT;
    const found = JSON.stringify(format);
    throw new ImportError(() =>
      format === undefined
        ? msg(str`This file is not a syncbn-lab run export: it has no "format": "${wanted}" entry.`)
        : msg(
            str`This file is not a syncbn-lab run export: its format is ${found}, not "${wanted}".`,
          ),
    );
  }
  if (typeof version === 'number' && version > RUN_EXPORT_VERSION) {
    const reads = RUN_EXPORT_VERSION;
    throw new ImportError(() =>
      msg(
        str`This run export was made by a newer syncbn-lab (file format ${version}); this version reads format ${reads}. Reload the page to update it.`,
      ),
    );
  }
}

/**
 * The language of Zod's own messages (wrong type, missing key) for the page's language: the
 * translator's file names it ("zh-CN"); "en" where msg() answers in English (and in the CLI).
 */
export function zodLanguage(): string {
  return msg('en', {
    id: 'store.zod-locale',
    desc: "Not shown: the language of Zod's built-in validation messages for this locale (en or zh-CN).",
  });
}

const zhCNZod = zodZhCN();

export function zodMessages(): { readonly error?: typeof zhCNZod.localeError } {
  return zodLanguage() === 'zh-CN' ? { error: zhCNZod.localeError } : {};
}

/** The shape's problems, one per field, in the language the page shows when they are read. */
function shapeProblems(value: unknown, first: readonly string[]): () => string[] {
  // Checked once per language: checking a large export again at every render would be wasteful.
  const byLanguage = new Map<string, string[]>([[zodLanguage(), [...first]]]);
  return () => {
    const language = zodLanguage();
    let problems = byLanguage.get(language);
    if (!problems) {
      const again = runExportSchema.safeParse(value, zodMessages());
      problems = again.success ? [...first] : problemsOf(again.error.issues);
      byLanguage.set(language, problems);
    }
    return problems;
  };
}

function problemsOf(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): string[] {
  return issues.map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : msg('(file)');
    return `${path}: ${issue.message}`;
  });
}

function checkShape(value: unknown): ParsedRunExport {
  const result = runExportSchema.safeParse(value, zodMessages());
  if (result.success) return result.data;
  const problems = shapeProblems(value, problemsOf(result.error.issues));
  throw new ImportError(() =>
    msg(str`This run export is damaged or incomplete: ${listed(problems())}.`),
  );
}

function listed(problems: readonly string[]): string {
  const left = problems.length - MAX_LISTED_PROBLEMS;
  const more = left > 0 ? msg(str` (and ${left} more)`) : '';
  return `${problems.slice(0, MAX_LISTED_PROBLEMS).join('; ')}${more}`;
}

function checkConfig(file: Record<string, unknown>): RunConfig {
  const input = withOlderExportKeys(file);
  // No defaults for an imported run: a missing key would silently become another run.
  const missing = missingConfigKeys(input);
  if (missing.length > 0) {
    throw new ImportError(() =>
      msg(
        str`The run's config is incomplete: run.config has no ${listed(missing)}. An imported run must say how it was trained; export it again from syncbn-lab.`,
      ),
    );
  }
  try {
    return parseConfig(input);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.message.split('\n').join('; ');
    throw new ImportError(() => msg(str`The run's config is invalid: ${problems}`));
  }
}

function decodeCheckpoint(
  c: NonNullable<ParsedRunExport['checkpoint']>,
  config: RunConfig,
): Checkpoint {
  try {
    if (c.step > config.steps) {
      throw new Error(msg(str`checkpoint.step is ${c.step}, past the run's ${config.steps} steps`));
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
        msg(
          'checkpoint.fingerprint does not match run.config and the checkpoint: one of them was changed after export, so the run cannot be resumed to its own numbers',
        ),
      );
    }
    return checkpoint;
  } catch (error) {
    const detail = errorMessage(error);
    throw new ImportError(() => msg(str`The run's checkpoint is damaged: ${detail}.`));
  }
}

/**
 * Check a run export (its text or the parsed JSON) completely, before anything is written: every
 * problem surfaces as an ImportError worded for the person who picked the file.
 */
export function validateRunExport(data: unknown): ValidatedImport {
  const value = parseImportJson(data);
  checkEnvelope(value);
  const parsed = checkShape(value);
  const config = checkConfig(parsed.run.config);
  const disagreements = metricsMismatches(parsed, config);
  if (disagreements.length > 0) {
    throw new ImportError(() =>
      msg(str`This run export contradicts its own config: ${listed(disagreements)}.`),
    );
  }
  const checkpoint = parsed.checkpoint ? decodeCheckpoint(parsed.checkpoint, config) : null;
  let name: string;
  try {
    name = checkName(parsed.run.name);
  } catch (error) {
    throw new ImportError(() => msg(str`The run's name is unusable: ${errorMessage(error)}`));
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
    ...(parsed.run.origin ? { origin: parsed.run.origin } : {}),
  };
}
