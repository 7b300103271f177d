// Only used inside functions, so the import cycle with schema.ts (which calls the rules) is safe.
import {
  MNIST_TEST_POOL,
  MNIST_TRAIN_POOL,
  type ParsedConfigObject,
  shardSizes,
} from './schema.ts';

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
  | 'precise-samples-larger-than-train'
  | 'feature-scale-length';

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
const FEATURES_2D = 2;

/** Every cross-field problem of a config whose single fields passed the schema. */
export function findRuleProblems(c: ParsedConfigObject): RuleProblem[] {
  const out: RuleProblem[] = [];
  const add = (rule: RuleId, paths: readonly string[], params: RuleParams = {}): void => {
    out.push({ rule, paths, params });
  };

  if (c.perDeviceBatch !== undefined && c.globalBatch !== undefined) {
    add('batch-both', ['globalBatch', 'perDeviceBatch']);
  }
  if (c.dataset.name === 'mnist') {
    // The fixed split of the package's 10,000 digits (src/data/mnist-split.ts).
    if (c.dataset.train > MNIST_TRAIN_POOL)
      add('mnist-pool', ['dataset.train', 'dataset.name'], {
        split: 'train',
        max: MNIST_TRAIN_POOL,
        got: c.dataset.train,
      });
    if (c.dataset.test > MNIST_TEST_POOL)
      add('mnist-pool', ['dataset.test', 'dataset.name'], {
        split: 'test',
        max: MNIST_TEST_POOL,
        got: c.dataset.test,
      });
  }
  const group = /^group:(\d+)$/.exec(c.bnSync);
  const g = group ? Number(group[1]) : null;
  if (g !== null && g > c.devices) {
    add('group-larger-than-devices', ['bnSync', 'devices'], { group: g, devices: c.devices });
  }
  if (out.some((p) => p.rule === 'batch-both')) return out;

  // The batch each device gets, as parseConfig resolves it.
  const byGlobal = c.globalBatch !== undefined;
  const perDevice = byGlobal ? null : (c.perDeviceBatch ?? 32);
  const globalBatch = c.globalBatch ?? (perDevice ?? 32) * c.devices;
  const batchPath = byGlobal ? 'globalBatch' : 'perDeviceBatch';
  if (globalBatch > c.dataset.train) {
    add(
      'batch-larger-than-train',
      byGlobal ? ['globalBatch', 'dataset.train'] : ['perDeviceBatch', 'devices', 'dataset.train'],
      { devices: c.devices, perDevice: perDevice ?? 0, globalBatch, train: c.dataset.train },
    );
    return out;
  }
  const sizes = shardSizes(globalBatch, c.devices);
  const largest = Math.max(...sizes);

  const model = c.model;
  const hasNormLayers = model.preset !== 'mlp' || model.hidden.length > 0;
  const batchStats = hasNormLayers && BATCH_STAT_NORMS.includes(model.norm);
  const ghost = batchStats && model.norm === 'ghost';
  const virtualBatch = model.normOptions.virtualBatch;

  if (ghost && virtualBatch > largest) {
    add('ghost-virtual-larger-than-batch', ['model.normOptions.virtualBatch', batchPath], {
      virtualBatch,
      largest,
    });
  } else if (batchStats) {
    const single = singleSampleGroup(sizes, g ?? (c.bnSync === 'sync' ? c.devices : 1), {
      virtualBatch: ghost ? virtualBatch : null,
    });
    if (single) {
      const paths = [batchPath, 'bnSync', 'devices'];
      if (ghost) paths.splice(1, 0, 'model.normOptions.virtualBatch');
      add('bn-single-sample', paths, {
        ...single,
        bnSync: c.bnSync,
        ghost,
        virtualBatch,
        byGlobal,
      });
    }
  }

  if (c.evalMode === 'batch' && batchStats) {
    // Each test batch is normalized by itself (the trainer folds a lone last sample into the batch
    // before it); a normalization group of one sample would come out as β, whatever the input.
    const evalBatch = c.evalBatch ?? perDevice ?? Math.max(1, Math.floor(globalBatch / c.devices));
    const rest = c.dataset.test % evalBatch;
    const chunks = [Math.min(evalBatch, c.dataset.test)];
    if (c.dataset.test > evalBatch && rest > 0) chunks.push(rest === 1 ? evalBatch + 1 : rest);
    const vb = ghost ? virtualBatch : null;
    const single = chunks.find((n) => singleSampleGroup([n], 1, { virtualBatch: vb }) !== null);
    if (single !== undefined) {
      const paths = ['evalBatch', 'evalMode'];
      if (c.evalBatch === undefined) paths.push(batchPath);
      if (ghost) paths.push('model.normOptions.virtualBatch');
      add('eval-batch-single-sample', paths, {
        evalBatch,
        chunk: single,
        ghost,
        virtualBatch,
        given: c.evalBatch !== undefined,
      });
    }
  }
  if (c.evalMode === 'precise' && batchStats && !model.normOptions.trackRunningStats) {
    add('precise-needs-running-stats', ['evalMode', 'model.normOptions.trackRunningStats']);
  }
  if (
    c.evalMode === 'precise' &&
    c.preciseSamples !== undefined &&
    c.preciseSamples > c.dataset.train
  ) {
    add('precise-samples-larger-than-train', ['preciseSamples', 'dataset.train'], {
      samples: c.preciseSamples,
      train: c.dataset.train,
    });
  }
  const scale = c.dataset.featureScale;
  if (c.dataset.name !== 'mnist' && scale !== undefined && scale.length > FEATURES_2D) {
    add('feature-scale-length', ['dataset.featureScale', 'dataset.name'], {
      got: scale.length,
      features: FEATURES_2D,
      dataset: c.dataset.name,
    });
  }
  return out;
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
  options: { virtualBatch: number | null },
): { device: number; span: number; virtual: number } | null {
  const g = Math.max(1, Math.min(span, sizes.length));
  for (let start = 0; start < sizes.length; start += g) {
    const members = sizes.slice(start, start + g);
    const per = options.virtualBatch ?? Math.max(1, ...members);
    const groups = Math.max(...members.map((n) => Math.ceil(n / per)));
    for (let v = 0; v < groups; v++) {
      let total = 0;
      for (const n of members) total += Math.max(0, Math.min(per, n - v * per));
      if (total === 1) return { device: start, span: members.length, virtual: v };
    }
  }
  return null;
}

/** One sentence for a problem, with fields named by `name` (the CLI's words by default). */
export function describeRule(p: RuleProblem, name: FieldNamer = configKeyNamer): string {
  const q = p.params;
  const cli = name === configKeyNamer;
  switch (p.rule) {
    case 'batch-both':
      return `give either ${name('perDeviceBatch')} or ${name('globalBatch')}, not both`;
    case 'mnist-pool':
      return `MNIST has ${q.max} ${q.split === 'train' ? 'training' : 'test'} digits in its fixed split; ask for at most ${q.max} (got ${q.got})`;
    case 'group-larger-than-devices':
      return cli
        ? `group size ${q.group} is larger than the ${q.devices} devices`
        : `a BN group of ${q.group} devices is more than the ${q.devices} ${name('devices')}; use groups of at most ${q.devices}`;
    case 'batch-larger-than-train': {
      if (cli) {
        const how = q.perDevice
          ? `${q.devices} devices × perDeviceBatch ${q.perDevice} = ${q.globalBatch}`
          : `globalBatch ${q.globalBatch}`;
        return `the global batch (${how}) is larger than the ${q.train} training examples (dataset.train); use a smaller batch, fewer devices or more data`;
      }
      const how = q.perDevice
        ? `${name('devices')} ${q.devices} × ${name('perDeviceBatch')} ${q.perDevice} = ${q.globalBatch}`
        : `${name('globalBatch')} ${q.globalBatch}`;
      return `the global batch (${how}) is more than the ${q.train} ${name('dataset.train')}; use a smaller batch, fewer devices or more training examples`;
    }
    case 'ghost-virtual-larger-than-batch':
      return `${name('model.normOptions.virtualBatch')} ${q.virtualBatch} is larger than any device's batch (${q.largest}): each device would be a single virtual batch, i.e. plain BN; use a virtual batch of at most ${q.largest}`;
    case 'bn-single-sample': {
      const first = Number(q.device);
      const last = first + Number(q.span) - 1;
      const where = q.span === 1 ? `device ${first}` : `the BN group of devices ${first}–${last}`;
      const what = q.ghost
        ? `${q.span === 1 ? `device ${first}'s` : `the BN group of devices ${first}–${last}: its`} virtual batch ${Number(q.virtual) + 1} (${name('model.normOptions.virtualBatch')} ${q.virtualBatch}) holds 1 sample`
        : `${where} ${q.span === 1 ? 'gets' : 'gets in all'} a batch of 1 sample`;
      const fix = q.ghost
        ? `a ${name('model.normOptions.virtualBatch')} that leaves no single sample, a larger batch, or synchronized BN`
        : q.span === 1
          ? 'a batch of at least 2 per device, or synchronized BN'
          : 'a larger batch or larger BN groups';
      return `${what}, normalized with its own statistics under ${name('bnSync')} "${q.bnSync}"; BN needs more than 1 value per channel when training: use ${fix}`;
    }
    case 'eval-batch-single-sample': {
      const size = q.given
        ? `${name('evalBatch')} ${q.evalBatch}`
        : `${name('evalBatch')} (${q.evalBatch}, from the per-device batch)`;
      const what = q.ghost
        ? `a test batch of ${q.chunk} in virtual batches of ${q.virtualBatch} (${name('model.normOptions.virtualBatch')}) leaves one of 1 sample`
        : `each test batch holds 1 sample`;
      return `with ${name('evalMode')} "batch" every test batch is normalized by itself, but with ${size} ${what}, which BN would turn into a constant; use a test batch of at least 2${q.ghost ? ' that leaves no single sample' : ''}`;
    }
    case 'precise-needs-running-stats':
      return `${cli ? 'evalMode "precise"' : `${name('evalMode')} "precise"`} (PreciseBN) writes the running statistics, so it needs ${name('model.normOptions.trackRunningStats')} on`;
    case 'precise-samples-larger-than-train':
      return `${name('preciseSamples')} ${q.samples} is more than the ${q.train} ${cli ? 'training examples (dataset.train)' : name('dataset.train')}; ask for at most ${q.train}`;
    case 'feature-scale-length':
      return `${name('dataset.featureScale')} has ${q.got} values, but ${q.dataset} has ${q.features} features: give 1 value (for every feature) or ${q.features} (one per feature)`;
  }
}
