import { msg, str } from '@lit/localize';
import { ConfigError, parseConfig, type RunConfig } from '../config/schema.ts';
import { z } from '../config/zod.ts';
import type { EvalRow, TrainRow } from '../coordinator/run-types.ts';
import { errorMessage } from '../core/error-message.ts';
import { ImportError } from './errors.ts';
import { contentFingerprint } from './fingerprint.ts';
import { parseImportJson, zodLanguage, zodMessages } from './import.ts';
import type { RunOrigin, RunStatus, RunSummary } from './records.ts';

/**
 * The metrics file an exported train.py writes (`torchrun … train.py --out metrics.json`, rank 0):
 * the format of `npm run sim --out` (`config`, `train`, `eval`, `final`, `warnings`, `status`) plus
 * `source: "pytorch"`, the torch version, the device, the backend and the process count. The
 * library imports it as a run "from PyTorch", to be compared with the simulated run it reproduces.
 */

export const TORCH_SOURCE = 'pytorch';

const count = z.number().int().min(0);
const value = z.number();
const row = z.object({ step: count, loss: value, acc: value });

export const torchMetricsSchema = z.object({
  source: z.literal(TORCH_SOURCE),
  torch: z.string().min(1),
  device: z.string().min(1),
  backend: z.string().min(1),
  processes: z.number().int().min(1),
  /** Nodes of the cluster (train.py writes it since the app imports the file; older ones lack it). */
  nodes: z.number().int().min(1).optional(),
  config: z.record(z.string(), z.unknown()),
  train: z.array(row),
  eval: z.array(row),
  final: z.object({ testAcc: value, testLoss: value }).nullable(),
  warnings: z.array(z.string()).optional(),
  status: z.enum(['completed', 'stopped', 'failed']),
  error: z.string().optional(),
  // finalState (rank 0's parameters by name) is read by the tests that compare weights; the
  // library keeps only the curves.
});

export type ParsedTorchMetrics = z.output<typeof torchMetricsSchema>;

/** A PyTorch metrics file checked through, ready to be written as a run. */
export interface ValidatedTorchImport {
  readonly config: RunConfig;
  readonly status: RunStatus;
  readonly summary: RunSummary;
  readonly train: TrainRow[];
  readonly eval: EvalRow[];
  readonly origin: RunOrigin;
}

/** True when a parsed JSON value says it is a PyTorch metrics file (then it is read as one). */
export function isTorchMetrics(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { source?: unknown }).source === TORCH_SOURCE
  );
}

const MAX_LISTED = 5;

function shapeProblems(
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
): string[] {
  return issues.map(
    (issue) =>
      `${issue.path.length ? issue.path.map(String).join('.') : msg('(file)')}: ${issue.message}`,
  );
}

function listed(problems: readonly string[]): string {
  const left = problems.length - MAX_LISTED;
  const more = left > 0 ? msg(str` (and ${left} more)`) : '';
  return `${problems.slice(0, MAX_LISTED).join('; ')}${more}`;
}

/** Rows whose steps do not rise strictly within 1…steps (`where`: the field, e.g. "train"). */
function stepProblems(rows: readonly { step: number }[], where: string, steps: number): string[] {
  for (const [i, r] of rows.entries()) {
    if (r.step < 1 || r.step > steps) {
      const step = r.step;
      return [
        msg(str`${where}.${i}.step is ${step}, outside the run's steps 1–${steps} (config.steps)`),
      ];
    }
    const before = rows[i - 1]?.step;
    if (before !== undefined && r.step <= before) {
      const step = r.step;
      return [
        msg(
          str`${where}.${i}.step is ${step}, not after step ${before} of the row before (steps must rise)`,
        ),
      ];
    }
  }
  return [];
}

/**
 * train.py writes the resolved config (as `npm run sim --out` does): the batch both ways, one of
 * them null, and `workers: null` when the host chose. The schema reads the input form
 * (toConfigInput's), so the null entries are left out.
 */
function inputFromResolved(config: Record<string, unknown>): Record<string, unknown> {
  const { perDeviceBatch, globalBatch, workers, ...rest } = config;
  return {
    ...rest,
    ...(perDeviceBatch === null || perDeviceBatch === undefined
      ? { globalBatch }
      : { perDeviceBatch }),
    ...(workers === null || workers === undefined ? {} : { workers }),
  };
}

/**
 * Check a PyTorch metrics file (its text or parsed JSON) completely before anything is written:
 * its shape (zod, in the page's language), its config (the app's own schema, naming the field),
 * rows within the run and a process count equal to the run's devices. Throws ImportError.
 */
export function validateTorchMetrics(data: unknown): ValidatedTorchImport {
  const value = parseImportJson(data);
  const parsed = torchMetricsSchema.safeParse(value, zodMessages());
  if (!parsed.success) {
    // Zod's own words (wrong type, missing key) in the page's language, checked again once per
    // language when the message is read after a switch.
    const byLanguage = new Map([[zodLanguage(), shapeProblems(parsed.error.issues)]]);
    const problems = (): string[] => {
      const language = zodLanguage();
      let found = byLanguage.get(language);
      if (!found) {
        const again = torchMetricsSchema.safeParse(value, zodMessages());
        found = again.success ? [] : shapeProblems(again.error.issues);
        byLanguage.set(language, found);
      }
      return found;
    };
    throw new ImportError(() =>
      msg(str`This PyTorch metrics file is damaged or incomplete: ${listed(problems())}.`),
    );
  }
  const file = parsed.data;
  let config: RunConfig;
  try {
    config = parseConfig(inputFromResolved(file.config));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = errorMessage(error).split('\n').join('; ');
    throw new ImportError(() => msg(str`The PyTorch run's config is invalid: ${problems}`));
  }
  const problems = [
    ...stepProblems(file.train, 'train', config.steps),
    ...stepProblems(file.eval, 'eval', config.steps),
  ];
  if (file.processes !== config.devices) {
    const { processes } = file;
    const devices = config.devices;
    problems.push(
      msg(
        str`processes is ${processes} but config.devices is ${devices} (train.py runs one process per device)`,
      ),
    );
  }
  if (problems.length > 0) {
    throw new ImportError(() =>
      msg(str`This PyTorch metrics file contradicts its own config: ${listed(problems)}.`),
    );
  }
  const lastTrain = file.train.at(-1);
  const lastEval = file.eval.at(-1);
  return {
    config,
    status: file.status,
    summary: {
      stepsDone: lastTrain?.step ?? 0,
      steps: config.steps,
      lastLoss: lastTrain?.loss ?? null,
      testAcc: file.final?.testAcc ?? lastEval?.acc ?? null,
      testLoss: file.final?.testLoss ?? lastEval?.loss ?? null,
      ...(file.error === undefined ? {} : { error: file.error }),
    },
    train: file.train,
    eval: file.eval,
    origin: {
      source: TORCH_SOURCE,
      torch: file.torch,
      device: file.device,
      backend: file.backend,
      processes: file.processes,
      ...(file.nodes === undefined ? {} : { nodes: file.nodes }),
      fingerprint: contentFingerprint({
        config: file.config,
        train: file.train,
        eval: file.eval,
        torch: file.torch,
        device: file.device,
        processes: file.processes,
      }),
    },
  };
}
