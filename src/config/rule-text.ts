import { configKeyNamer, type FieldNamer, type RuleProblem } from './rules.ts';

/**
 * The words of each config rule (rules.ts finds the problems). One sentence per problem; fields
 * are named by a FieldNamer, so the CLI says config keys and the form says its labels. Where the
 * CLI's sentence predates the form, it is kept word for word.
 */

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
      return cli
        ? `evalMode "precise" (PreciseBN) writes the running statistics, so it needs model.normOptions.trackRunningStats on`
        : `PreciseBN (${name('evalMode')}: precise) writes the running statistics, so it needs ${name('model.normOptions.trackRunningStats')} on`;
    case 'renorm-needs-running-stats':
      return `Batch Renorm corrects each batch with its moving statistics, so ${cli ? 'model.norm "renorm"' : `${name('model.norm')} renorm`} needs ${name('model.normOptions.trackRunningStats')} on`;
    case 'precise-samples-larger-than-train':
      return `${name('preciseSamples')} ${q.samples} is more than the ${q.train} ${cli ? 'training examples (dataset.train)' : name('dataset.train')}; ask for at most ${q.train}`;
    case 'ddp-empty-device':
      return cli
        ? `${q.globalBatch} samples over ${q.devices} devices leave ${q.empty} device(s) with 0 samples; under gradientAveraging "ddp" each device averages its own loss, which is undefined for 0 samples (PyTorch gives NaN): use globalBatch ≥ ${q.devices} (the devices), fewer devices, or gradientAveraging "global"`
        : `a global batch of ${q.globalBatch} over ${q.devices} ${name('devices')} leaves ${q.empty} device(s) with no samples, and under ${name('gradientAveraging')} “ddp” each device averages its own loss, which is undefined for 0 samples; use a global batch of at least ${q.devices}, fewer devices, or ${name('gradientAveraging')} “global”`;
    case 'feature-scale-length':
      return `${name('dataset.featureScale')} has ${q.got} values, but ${q.dataset} has ${q.features} features: give 1 value (for every feature) or ${q.features} (one per feature)`;
  }
}
