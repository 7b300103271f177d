import { type SplitDataset, standardize } from './dataset.ts';
import type { RawMnist } from './mnist-format.ts';
import { mnistSplit } from './mnist-split.ts';
import type { DatasetOptions } from './options.ts';
import { makeSynthetic } from './synthetic.ts';

/**
 * The train/test pair a run's `dataset` config describes. MNIST needs the raw digits, loaded first
 * with loadMnistNode (Node) or loadMnistBrowser (page / worker). The MNIST subset is the fixed one
 * (independent of the run seed), so seeds vary initialization and order, not the data.
 */
export function makeDataset(cfg: DatasetOptions, seed: number, mnist?: RawMnist): SplitDataset {
  if (cfg.name !== 'mnist') {
    return makeSynthetic({
      name: cfg.name,
      train: cfg.train,
      test: cfg.test,
      noise: cfg.noise,
      featureScale: cfg.featureScale,
      standardize: cfg.standardize,
      classes: cfg.classes,
      seed,
    });
  }
  if (!mnist) throw new Error('makeDataset: load MNIST first (loadMnistNode or loadMnistBrowser)');
  const split = mnistSplit(mnist, { train: cfg.train, test: cfg.test, downsample: cfg.downsample });
  if (!cfg.standardize) return split;
  return { ...split, standardization: standardize(split.train, split.test) };
}
