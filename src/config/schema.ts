import { BN_SYNC_EXPECTED } from './bn-sync.ts';
import {
  DEFAULT_PRECISE_SAMPLES,
  defaultEvalBatch,
  defaultPreciseSamples,
  defaultRunningStats,
  resolveBatch,
} from './derived-defaults.ts';
import { describeRule } from './rule-text.ts';
import { findRuleProblems } from './rules.ts';
import { ConfigError } from '../core/config-error.ts';
import { ACTIVATIONS, NORMS, PRESETS } from '../core/model/options.ts';
import { OPTIMIZERS, SCHEDULES } from '../core/optim/options.ts';
import { MNIST_TEST_POOL, MNIST_TRAIN_POOL } from '../data/mnist-split.ts';
import { DATASETS } from '../data/options.ts';
import { shardSizes } from '../data/sharding.ts';
import { z } from './zod.ts';

/**
 * The one schema for a run: the headless runner, the app's setup form and imported runs all
 * validate with it. Defaults live here, so a resolved config is complete and self-describing.
 */

export { DATASETS, MNIST_TEST_POOL, MNIST_TRAIN_POOL, shardSizes };
// The name lists of the model and optimizer options are core's (the core takes plain option
// types of its own; this schema validates exactly those shapes).
export { NORMS, PRESETS };
export const EVAL_MODES = ['running', 'batch', 'precise'] as const;
export { DEFAULT_PRECISE_SAMPLES };
export const RUNNING_STATS = ['rank0', 'mean', 'sync'] as const;
export const GRADIENT_AVERAGING = ['ddp', 'global'] as const;

/** Bounds that keep a run's arrays and loops in memory and time. */
const MAX_STEPS = 1_000_000;
const MAX_EXAMPLES = 100_000;

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);
const positive = () => z.number().positive();

export const datasetSchema = z
  .object({
    name: z.enum(DATASETS),
    /** Training examples (MNIST: drawn from the fixed training split). */
    train: int(1, MAX_EXAMPLES).default(2000),
    test: int(1, MAX_EXAMPLES).default(500),
    /** MNIST only: 2×2 average pooling to 14×14. */
    downsample: z.boolean().default(false),
    /** Synthetic sets: noise level (standard deviation, in the set's own units). */
    noise: z.number().min(0).max(10).default(0.1),
    /** Synthetic sets: multiply each input feature by this factor (e.g. [1, 100] stretches the error surface). */
    featureScale: z.array(positive()).min(1).max(784).optional(),
    /** z-score each feature with the training set's mean and standard deviation. */
    standardize: z.boolean().default(false),
    /** spiral (arms) and blobs: number of classes; moons, circles and xor always have 2. */
    classes: int(2, 10).default(3),
  })
  .strict();

export const normOptionsSchema = z
  .object({
    eps: positive().default(1e-5),
    /** PyTorch convention: running = (1 − m)·running + m·batch; null = cumulative average. */
    momentum: z.number().gt(0).max(1).nullable().default(0.1),
    affine: z.boolean().default(true),
    trackRunningStats: z.boolean().default(true),
    /** ghost: virtual batch size within each device's batch. */
    virtualBatch: int(2, 4096).default(4),
    /** group: number of channel groups (must divide every normalized layer's channels). */
    groups: int(1, 4096).default(4),
    /** renorm: final clipping bounds and the warm-up schedule (Ioffe 2017). */
    rmax: z.number().min(1).default(3),
    dmax: z.number().min(0).default(5),
    /** renorm: plain BN (r = 1, d = 0) for this many steps, then rmax/dmax ramp up linearly… */
    renormWarmup: int(0, MAX_STEPS).default(100),
    /** …reaching their final values after this many further steps. */
    renormRamp: int(0, MAX_STEPS).default(400),
  })
  .strict();

export const modelSchema = z
  .object({
    preset: z.enum(PRESETS),
    /** mlp: hidden widths. bn-paper-mlp ignores this (3 × 100). */
    hidden: z.array(int(1, 4096)).max(16).default([64, 64]),
    activation: z.enum(ACTIVATIONS).default('relu'),
    norm: z.enum(NORMS).default('batch'),
    /** cnn: output channels of the two conv blocks. */
    channels: z.tuple([int(1, 256), int(1, 256)]).default([16, 32]),
    normOptions: normOptionsSchema.default(() => normOptionsSchema.parse({})),
  })
  .strict();

export const optimizerSchema = z
  .object({
    name: z.enum(OPTIMIZERS),
    lr: positive().default(0.1),
    momentum: z.number().min(0).lt(1).default(0),
    nesterov: z.boolean().default(false),
    weightDecay: z.number().min(0).default(0),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: positive().default(1e-8),
  })
  .strict();

export const scheduleSchema = z
  .object({
    name: z.enum(SCHEDULES).default('constant'),
    /** Linear warm-up from 0 to lr over this many steps (0: none). */
    warmupSteps: int(0, MAX_STEPS).default(0),
    /** step: multiply lr by gamma every stepSize steps. */
    stepSize: int(1, MAX_STEPS).default(100),
    gamma: z.number().gt(0).max(1).default(0.1),
    /** cosine: the lr reached at the last step. */
    minLr: z.number().min(0).default(0),
  })
  .strict();

const bnSyncSchema = z.union([
  z.literal('local'),
  z.literal('sync'),
  z.string().regex(/^group:[1-9]\d*$/, BN_SYNC_EXPECTED),
]);

const shardingSchema = z.union([
  z.literal('iid'),
  z.literal('label-sorted'),
  z.object({ dirichlet: positive() }).strict(),
]);

const configObjectSchema = z
  .object({
    seed: int(0, 2 ** 31 - 1).default(1),
    dataset: datasetSchema,
    model: modelSchema,
    /** K simulated devices. */
    devices: int(1, 64).default(8),
    /**
     * W workers hosting the devices (default: at most K; in Node the cores, in a page the cores
     * less one, so the page keeps a core).
     */
    workers: int(1, 64).optional(),
    perDeviceBatch: int(1, 4096).optional(),
    /** Alternative to perDeviceBatch: split as evenly as possible, first devices take the remainder. */
    globalBatch: int(1, 262_144).optional(),
    /**
     * "ddp": each device's loss is the mean over its own shard and the gradients are averaged over
     * the K devices (PyTorch DDP); "global": the gradient of the global batch's mean loss (one big
     * device). The same for equal shards (src/workers/gradient-averaging.ts).
     */
    gradientAveraging: z.enum(GRADIENT_AVERAGING).default('ddp'),
    bnSync: bnSyncSchema.default('local'),
    /** Default: "sync" when statistics are synchronized, "rank0" (DDP's broadcast_buffers) for local. */
    runningStats: z.enum(RUNNING_STATS).optional(),
    sharding: shardingSchema.default('iid'),
    optimizer: optimizerSchema.default(() => optimizerSchema.parse({ name: 'sgd' })),
    schedule: scheduleSchema.default(() => scheduleSchema.parse({})),
    steps: int(1, MAX_STEPS).default(200),
    evalEvery: int(1, MAX_STEPS).default(50),
    evalMode: z.enum(EVAL_MODES).default('running'),
    /**
     * precise: samples used to recompute population statistics (Wu & Johnson 2021); at most the
     * training set (default: 1024, or the training set when smaller).
     */
    preciseSamples: int(1, MAX_EXAMPLES).optional(),
    /** batch: the evaluation batch size whose own statistics normalize it (default: perDeviceBatch). */
    evalBatch: int(1, MAX_EXAMPLES).optional(),
    /** Compare replica parameter checksums every this many steps. */
    checksumEvery: int(1, MAX_STEPS).default(10),
    /** How workers exchange statistics: shared memory when the host allows it, else MessagePorts. */
    transport: z.enum(['auto', 'shared-memory', 'message-port']).default('auto'),
    /** A device that does not reach a collective within this time is reported (never a hang). */
    collectiveTimeoutMs: int(100, 600_000).default(10_000),
    /** Record per-device BN statistics every this many steps. */
    telemetryEvery: int(1, MAX_STEPS).default(1),
  })
  .strict();

/** The config object after its single fields passed (before the cross-field rules). */
export type ParsedConfigObject = z.output<typeof configObjectSchema>;

export const configSchema = configObjectSchema.superRefine((c, ctx) => {
  // Cross-field rules live in rules.ts (shared with the app's form). They read fields beyond the
  // ones they name (the batch each device gets depends on several), so they wait until every
  // single field is valid: a field's own problem is reported first.
  if (ctx.issues.length > 0) return;
  for (const p of findRuleProblems(c)) {
    ctx.addIssue({
      code: 'custom',
      path: p.paths[0]!.split('.'),
      message: describeRule(p),
      params: { rule: p.rule, paths: p.paths, values: p.params },
    });
  }
});

export type RunConfigInput = z.input<typeof configSchema>;
type ParsedConfig = z.output<typeof configSchema>;

/** A config with every default filled in and the derived fields made explicit. */
export interface RunConfig
  extends Omit<
    ParsedConfig,
    'runningStats' | 'workers' | 'perDeviceBatch' | 'globalBatch' | 'evalBatch' | 'preciseSamples'
  > {
  readonly runningStats: (typeof RUNNING_STATS)[number];
  readonly perDeviceBatch: number | null;
  readonly globalBatch: number;
  readonly evalBatch: number;
  readonly preciseSamples: number;
  /** null: choose at run time from the host's cores (never changes the numbers). */
  readonly workers: number | null;
}

export { ConfigError };

/** How a problem line names the config as a whole (rather than one of its fields). */
export const WHOLE_CONFIG = '(config)';

/** One schema problem as a "path: message" line, the form parseConfig throws and explainProblem reads. */
export function issueLine(issue: {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}): string {
  const path = issue.path.length ? issue.path.join('.') : WHOLE_CONFIG;
  return `${path}: ${issue.message}`;
}

/** Validate and resolve; throws ConfigError with one line per problem, naming the field. */
export function parseConfig(input: unknown): RunConfig {
  const result = configSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map(issueLine).join('\n'));
  }
  const c = result.data;
  const batch = resolveBatch(c);
  return {
    ...c,
    perDeviceBatch: batch.perDeviceBatch,
    globalBatch: batch.globalBatch,
    evalBatch: c.evalBatch ?? defaultEvalBatch(batch, c.devices),
    preciseSamples: c.preciseSamples ?? defaultPreciseSamples(c.dataset.train),
    runningStats: c.runningStats ?? defaultRunningStats(c.bnSync),
    workers: c.workers ?? null,
  };
}
