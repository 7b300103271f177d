import type { ModelInput } from '../core/model/build.ts';
import { MNIST_COLS, MNIST_ROWS } from './mnist-format.ts';
import type { DatasetOptions } from './options.ts';
import { syntheticClasses } from './synthetic.ts';

const MNIST_CLASSES = 10;

/**
 * The sample shape and class count a dataset config gives, without making the data (the same
 * values makeDataset's sets carry), so a model can be laid out from a config alone.
 */
export function modelInputOf(dataset: DatasetOptions): ModelInput {
  if (dataset.name === 'mnist') {
    const side = dataset.downsample ? 2 : 1;
    return { sampleShape: [1, MNIST_ROWS / side, MNIST_COLS / side], classes: MNIST_CLASSES };
  }
  return { sampleShape: [2], classes: syntheticClasses(dataset.name, dataset.classes) };
}
