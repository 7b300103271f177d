import { MNIST_TEST_POOL, MNIST_TRAIN_POOL } from '../data/mnist-split.ts';
import { shardSizes } from '../data/sharding.ts';
import { bnSyncGroup } from './bn-sync.ts';
import { defaultEvalBatch, resolveBatch } from './derived-defaults.ts';

/**
 * The fields the rules read, of a config whose single fields passed the schema (schema.ts's
 * RuleInput has this shape; the schema runs the rules, so they must not import it).
 */
export interface RuleInput {
  readonly perDeviceBatch?: number;
  readonly globalBatch?: number;
  readonly devices: number;
  readonly bnSync: string;
  readonly gradientAveraging: string;
  readonly evalMode: string;
  readonly evalBatch?: number;
  readonly preciseSamples?: number;
  readonly dataset: {
    readonly name: string;
    readonly train: number;
    readonly test: number;
    readonly featureScale?: readonly number[];
  };
  readonly model: {
    readonly preset: string;
    readonly hidden: readonly number[];
    readonly norm: string;
    readonly normOptions: { readonly trackRunningStats: boolean; readonly virtualBatch: number };
  };
}

/**
 * The config rules that span more than one field, in one place for the headless runner and the
 * app's form. Each problem is data: the rule, the fields it concerns (the first is where a
 * one-line report names it) and its numbers. `describeRule` words it, naming fields through a
 * `FieldNamer`: the CLI names config keys, the form its labels. A rule that would only fail
 * halfway through a run (BN of a single sample, PreciseBN without running statistics…) belongs
 * here, so that it is reported before the first step.
 */

export type RuleId =
  | 'batch-both'
  | 'mnist-pool'
  | 'group-larger-than-devices'
  | 'batch-larger-than-train'
  | 'bn-single-sample'
  | 'ghost-virtual-larger-than-batch'
  | 'eval-batch-single-sample'
  | 'precise-needs-running-stats'
  | 'renorm-needs-running-stats'
  | 'precise-samples-larger-than-train'
  | 'feature-scale-length'
  | 'ddp-empty-device';

export type RuleParams = Readonly<Record<string, string | number | boolean>>;

export interface RuleProblem {
  readonly rule: RuleId;
  /** Dotted config paths of the fields concerned; the first is the one a report line names. */
  readonly paths: readonly string[];
  readonly params: RuleParams;
}

/** How a report names a field: config keys in the CLI, labels in the form. */
export type FieldNamer = (path: string) => string;
export const configKeyNamer: FieldNamer = (path) => path;

/** Norms that normalize with batch statistics (and so need more than one value per channel). */
const BATCH_STAT_NORMS: readonly string[] = ['batch', 'ghost', 'renorm'];
/** Features of the synthetic 2-D sets. */
const FEATURES_2D = 2;

/** What the rules read besides the config: the batches it resolves to, the kind of norm. */
interface RuleContext {
  readonly c: RuleInput;
  /** The batch is given as globalBatch (else perDeviceBatch, or its default). */
  readonly byGlobal: boolean;
  readonly batchPath: 'globalBatch' | 'perDeviceBatch';
  readonly perDevice: number | null;
  readonly globalBatch: number;
  /** Samples each device gets per step, as the trainer shards the global batch. */
  readonly sizes: readonly number[];
  /** Devices a BN merge spans: 1 (local), g (group:g) or all (sync). */
  readonly span: number;
  /** The model has norm layers that normalize with batch statistics. */
  readonly batchStats: boolean;
  /** …and they are ghost BN: the virtual batch size, else null. */
  readonly ghostVirtualBatch: number | null;
}

type Rule = (x: RuleContext) => RuleProblem | null;

const problem = (rule: RuleId, paths: readonly string[], params: RuleParams = {}): RuleProblem => ({
  rule,
  paths,
  params,
});

/** MNIST's examples for training and testing, each drawn from its own pool. */
const MNIST_POOLS = [
  ['train', MNIST_TRAIN_POOL],
  ['test', MNIST_TEST_POOL],
] as const;

/** Rules that read single fields only (the batch need not be resolvable yet). */
const FIELD_RULES: readonly ((c: RuleInput) => RuleProblem | null)[] = [
  (c) =>
    c.perDeviceBatch !== undefined && c.globalBatch !== undefined
      ? problem('batch-both', ['globalBatch', 'perDeviceBatch'])
      : null,
  // The fixed split of the package's 10,000 digits (src/data/mnist-split.ts).
  ...MNIST_POOLS.map(
    ([split, max]) =>
      (c: RuleInput) =>
        c.dataset.name === 'mnist' && c.dataset[split] > max
          ? problem('mnist-pool', [`dataset.${split}`], { split, max, got: c.dataset[split] })
          : null,
  ),
  (c) => {
    const g = bnSyncGroup(c.bnSync);
    return g !== null && g > c.devices
      ? problem('group-larger-than-devices', ['bnSync', 'devices'], {
          group: g,
          devices: c.devices,
        })
      : null;
  },
  (c) => {
    const scale = c.dataset.featureScale;
    return c.dataset.name !== 'mnist' && scale !== undefined && scale.length > FEATURES_2D
      ? problem('feature-scale-length', ['dataset.featureScale'], {
          got: scale.length,
          features: FEATURES_2D,
          dataset: c.dataset.name,
        })
      : null;
  },
  (c) =>
    c.evalMode === 'precise' && c.preciseSamples !== undefined && c.preciseSamples > c.dataset.train
      ? problem('precise-samples-larger-than-train', ['preciseSamples', 'dataset.train'], {
          samples: c.preciseSamples,
          train: c.dataset.train,
        })
      : null,
  // Batch Renorm corrects with its moving statistics: it cannot run without them.
  (c) =>
    c.model.norm === 'renorm' && hasNormLayers(c.model) && !c.model.normOptions.trackRunningStats
      ? problem('renorm-needs-running-stats', ['model.normOptions.trackRunningStats', 'model.norm'])
      : null,
];

/** Rules about what the batch does in the model (run once the batch fits the training set). */
const BATCH_RULES: readonly Rule[] = [
  // Ghost BN with a virtual batch larger than every device's batch would be plain BN.
  (x) => {
    const largest = Math.max(...x.sizes);
    return x.ghostVirtualBatch !== null && x.ghostVirtualBatch > largest
      ? problem(
          'ghost-virtual-larger-than-batch',
          ['model.normOptions.virtualBatch', x.batchPath],
          {
            virtualBatch: x.ghostVirtualBatch,
            largest,
          },
        )
      : null;
  },
  // Training: no BN merge of a single sample (checked once the virtual batch fits).
  (x) => {
    if (!x.batchStats) return null;
    const vb = x.ghostVirtualBatch;
    if (vb !== null && vb > Math.max(...x.sizes)) return null;
    const single = singleSampleGroup(x.sizes, x.span, vb);
    if (!single) return null;
    const paths =
      vb === null
        ? [x.batchPath, 'bnSync', 'devices']
        : [x.batchPath, 'model.normOptions.virtualBatch', 'bnSync', 'devices'];
    return problem('bn-single-sample', paths, {
      ...single,
      bnSync: x.c.bnSync,
      ghost: vb !== null,
      virtualBatch: vb ?? 0,
    });
  },
  // Batch evaluation: each test batch is normalized by itself (the trainer folds a lone last
  // sample into the batch before it); a group of one sample would come out as β, whatever it was.
  (x) => {
    const { c } = x;
    if (c.evalMode !== 'batch' || !x.batchStats) return null;
    const evalBatch =
      c.evalBatch ??
      defaultEvalBatch({ perDeviceBatch: x.perDevice, globalBatch: x.globalBatch }, c.devices);
    const rest = c.dataset.test % evalBatch;
    const chunks = [Math.min(evalBatch, c.dataset.test)];
    if (c.dataset.test > evalBatch && rest > 0) chunks.push(rest === 1 ? evalBatch + 1 : rest);
    const vb = x.ghostVirtualBatch;
    const single = chunks.find((n) => singleSampleGroup([n], 1, vb) !== null);
    if (single === undefined) return null;
    const paths = ['evalBatch', 'evalMode'];
    if (c.evalBatch === undefined) paths.push(x.batchPath);
    if (vb !== null) paths.push('model.normOptions.virtualBatch');
    return problem('eval-batch-single-sample', paths, {
      evalBatch,
      chunk: single,
      ghost: vb !== null,
      virtualBatch: vb ?? 0,
      given: c.evalBatch !== undefined,
    });
  },
  // gradientAveraging "ddp": each device averages its own loss, undefined over 0 samples
  // (PyTorch gives NaN). Every sharding policy keeps the sizes shardSizes gives, so a device is
  // empty exactly when the global batch is smaller than the devices.
  (x) => {
    const empty = x.sizes.filter((n) => n === 0).length;
    return x.c.gradientAveraging === 'ddp' && empty > 0
      ? problem('ddp-empty-device', [x.batchPath, 'devices', 'gradientAveraging'], {
          globalBatch: x.globalBatch,
          devices: x.c.devices,
          empty,
        })
      : null;
  },
  (x) =>
    x.c.evalMode === 'precise' && x.batchStats && !x.c.model.normOptions.trackRunningStats
      ? problem('precise-needs-running-stats', ['evalMode', 'model.normOptions.trackRunningStats'])
      : null,
];

/** Every cross-field problem of a config whose single fields passed the schema. */
export function findRuleProblems(c: RuleInput): RuleProblem[] {
  const out = FIELD_RULES.map((rule) => rule(c)).filter((p) => p !== null);
  if (out.some((p) => p.rule === 'batch-both')) return out;

  // The batch as parseConfig resolves it.
  const byGlobal = c.globalBatch !== undefined;
  const { perDeviceBatch: perDevice, globalBatch } = resolveBatch(c);
  if (globalBatch > c.dataset.train) {
    out.push(
      byGlobal
        ? problem('batch-larger-than-train', ['globalBatch', 'dataset.train'], {
            perDevice: 0,
            devices: c.devices,
            globalBatch,
            train: c.dataset.train,
          })
        : problem('batch-larger-than-train', ['perDeviceBatch', 'devices', 'dataset.train'], {
            perDevice: perDevice ?? 0,
            devices: c.devices,
            globalBatch,
            train: c.dataset.train,
          }),
    );
    return out;
  }
  const model = c.model;
  const batchStats = hasNormLayers(model) && BATCH_STAT_NORMS.includes(model.norm);
  const x: RuleContext = {
    c,
    byGlobal,
    batchPath: byGlobal ? 'globalBatch' : 'perDeviceBatch',
    perDevice,
    globalBatch,
    sizes: shardSizes(globalBatch, c.devices),
    span: c.bnSync === 'sync' ? c.devices : (bnSyncGroup(c.bnSync) ?? 1),
    batchStats,
    ghostVirtualBatch: batchStats && model.norm === 'ghost' ? model.normOptions.virtualBatch : null,
  };
  for (const rule of BATCH_RULES) {
    const p = rule(x);
    if (p) out.push(p);
  }
  return out;
}

/** An MLP without hidden layers has no norm layer; the other presets always have some. */
function hasNormLayers(model: RuleInput['model']): boolean {
  return model.preset !== 'mlp' || model.hidden.length > 0;
}

/**
 * The first BN merge that normalizes a single sample: the devices of one span (local: each
 * device alone; group:g: consecutive groups of g; sync: all) pool their samples, per virtual batch
 * under ghost BN; a total of 1 fails (PyTorch: "Expected more than 1 value per channel when
 * training"); a total of 0 normalizes nothing and is allowed.
 */
function singleSampleGroup(
  sizes: readonly number[],
  span: number,
  virtualBatch: number | null,
): { device: number; span: number; virtual: number } | null {
  const g = Math.max(1, Math.min(span, sizes.length));
  for (let start = 0; start < sizes.length; start += g) {
    const members = sizes.slice(start, start + g);
    const per = virtualBatch ?? Math.max(1, ...members);
    const groups = Math.max(...members.map((n) => Math.ceil(n / per)));
    for (let v = 0; v < groups; v++) {
      let total = 0;
      for (const n of members) total += Math.max(0, Math.min(per, n - v * per));
      if (total === 1) return { device: start, span: members.length, virtual: v };
    }
  }
  return null;
}
