import { msg, str } from '@lit/localize';
import { configKeyNamer, type FieldNamer, type RuleProblem } from './rules.ts';

/**
 * The words of each config rule (rules.ts finds the problems). One sentence per problem; fields
 * are named by a FieldNamer, so the CLI says config keys and the form says its labels. Where the
 * CLI's sentence predates the form, it is kept word for word. The sentences go through msg(): the
 * app shows them in the page's language, the CLI (Node, no locale loaded) gets the English source.
 * Each variant of a sentence is a message of its own (never English fragments glued together).
 */

/** One sentence for a problem, with fields named by `name` (the CLI's words by default). */
export function describeRule(p: RuleProblem, name: FieldNamer = configKeyNamer): string {
  const q = p.params;
  const cli = name === configKeyNamer;
  switch (p.rule) {
    case 'batch-both':
      return msg(str`give either ${name('perDeviceBatch')} or ${name('globalBatch')}, not both`);
    case 'mnist-pool':
      return q.split === 'train'
        ? msg(
            str`MNIST has ${q.max} training digits in its fixed split; ask for at most ${q.max} (got ${q.got})`,
          )
        : msg(
            str`MNIST has ${q.max} test digits in its fixed split; ask for at most ${q.max} (got ${q.got})`,
          );
    case 'group-larger-than-devices':
      return cli
        ? `group size ${q.group} is larger than the ${q.devices} devices`
        : msg(
            str`a BN group of ${q.group} devices is more than the ${q.devices} ${name('devices')}; use groups of at most ${q.devices}`,
          );
    case 'batch-larger-than-train': {
      if (cli) {
        const how = q.perDevice
          ? `${q.devices} devices × perDeviceBatch ${q.perDevice} = ${q.globalBatch}`
          : `globalBatch ${q.globalBatch}`;
        return `the global batch (${how}) is larger than the ${q.train} training examples (dataset.train); use a smaller batch, fewer devices or more data`;
      }
      return q.perDevice
        ? msg(
            str`the global batch (${name('devices')} ${q.devices} × ${name('perDeviceBatch')} ${q.perDevice} = ${q.globalBatch}) is more than the ${q.train} ${name('dataset.train')}; use a smaller batch, fewer devices or more training examples`,
          )
        : msg(
            str`the global batch (${name('globalBatch')} ${q.globalBatch}) is more than the ${q.train} ${name('dataset.train')}; use a smaller batch, fewer devices or more training examples`,
          );
    }
    case 'ghost-virtual-larger-than-batch':
      return msg(
        str`${name('model.normOptions.virtualBatch')} ${q.virtualBatch} is larger than any device's batch (${q.largest}): each device would be a single virtual batch, i.e. plain BN; use a virtual batch of at most ${q.largest}`,
      );
    case 'bn-single-sample': {
      const first = Number(q.device);
      const last = first + Number(q.span) - 1;
      const virtualBatch = name('model.normOptions.virtualBatch');
      const bnSync = name('bnSync');
      const virtual = Number(q.virtual) + 1;
      if (q.ghost)
        return q.span === 1
          ? msg(
              str`device ${first}'s virtual batch ${virtual} (${virtualBatch} ${q.virtualBatch}) holds 1 sample, normalized with its own statistics under ${bnSync} "${q.bnSync}"; BN needs more than 1 value per channel when training: use a ${virtualBatch} that leaves no single sample, a larger batch, or synchronized BN`,
            )
          : msg(
              str`the BN group of devices ${first}–${last}: its virtual batch ${virtual} (${virtualBatch} ${q.virtualBatch}) holds 1 sample, normalized with its own statistics under ${bnSync} "${q.bnSync}"; BN needs more than 1 value per channel when training: use a ${virtualBatch} that leaves no single sample, a larger batch, or synchronized BN`,
            );
      return q.span === 1
        ? msg(
            str`device ${first} gets a batch of 1 sample, normalized with its own statistics under ${bnSync} "${q.bnSync}"; BN needs more than 1 value per channel when training: use a batch of at least 2 per device, or synchronized BN`,
          )
        : msg(
            str`the BN group of devices ${first}–${last} gets in all a batch of 1 sample, normalized with its own statistics under ${bnSync} "${q.bnSync}"; BN needs more than 1 value per channel when training: use a larger batch or larger BN groups`,
          );
    }
    case 'eval-batch-single-sample': {
      const evalMode = name('evalMode');
      const evalBatch = name('evalBatch');
      const virtualBatch = name('model.normOptions.virtualBatch');
      if (q.ghost)
        return q.given
          ? msg(
              str`with ${evalMode} "batch" every test batch is normalized by itself, but with ${evalBatch} ${q.evalBatch} a test batch of ${q.chunk} in virtual batches of ${q.virtualBatch} (${virtualBatch}) leaves one of 1 sample, which BN would turn into a constant; use a test batch of at least 2 that leaves no single sample`,
            )
          : msg(
              str`with ${evalMode} "batch" every test batch is normalized by itself, but with ${evalBatch} (${q.evalBatch}, from the per-device batch) a test batch of ${q.chunk} in virtual batches of ${q.virtualBatch} (${virtualBatch}) leaves one of 1 sample, which BN would turn into a constant; use a test batch of at least 2 that leaves no single sample`,
            );
      return q.given
        ? msg(
            str`with ${evalMode} "batch" every test batch is normalized by itself, but with ${evalBatch} ${q.evalBatch} each test batch holds 1 sample, which BN would turn into a constant; use a test batch of at least 2`,
          )
        : msg(
            str`with ${evalMode} "batch" every test batch is normalized by itself, but with ${evalBatch} (${q.evalBatch}, from the per-device batch) each test batch holds 1 sample, which BN would turn into a constant; use a test batch of at least 2`,
          );
    }
    case 'precise-needs-running-stats':
      return cli
        ? `evalMode "precise" (PreciseBN) writes the running statistics, so it needs model.normOptions.trackRunningStats on`
        : msg(
            str`PreciseBN (${name('evalMode')}: precise) writes the running statistics, so it needs ${name('model.normOptions.trackRunningStats')} on`,
          );
    case 'renorm-needs-running-stats':
      return cli
        ? `Batch Renorm corrects each batch with its moving statistics, so model.norm "renorm" needs ${name('model.normOptions.trackRunningStats')} on`
        : msg(
            str`Batch Renorm corrects each batch with its moving statistics, so ${name('model.norm')} renorm needs ${name('model.normOptions.trackRunningStats')} on`,
          );
    case 'precise-samples-larger-than-train':
      return cli
        ? `${name('preciseSamples')} ${q.samples} is more than the ${q.train} training examples (dataset.train); ask for at most ${q.train}`
        : msg(
            str`${name('preciseSamples')} ${q.samples} is more than the ${q.train} ${name('dataset.train')}; ask for at most ${q.train}`,
          );
    case 'ddp-empty-device':
      return cli
        ? `${q.globalBatch} samples over ${q.devices} devices leave ${q.empty} device(s) with 0 samples; under gradientAveraging "ddp" each device averages its own loss, which is undefined for 0 samples (PyTorch gives NaN): use globalBatch ≥ ${q.devices} (the devices), fewer devices, or gradientAveraging "global"`
        : msg(
            str`a global batch of ${q.globalBatch} over ${q.devices} ${name('devices')} leaves ${q.empty} device(s) with no samples, and under ${name('gradientAveraging')} “ddp” each device averages its own loss, which is undefined for 0 samples; use a global batch of at least ${q.devices}, fewer devices, or ${name('gradientAveraging')} “global”`,
          );
    case 'feature-scale-length':
      return msg(
        str`${name('dataset.featureScale')} has ${q.got} values, but ${q.dataset} has ${q.features} features: give 1 value (for every feature) or ${q.features} (one per feature)`,
      );
  }
}
