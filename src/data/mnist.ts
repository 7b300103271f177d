/**
 * MNIST, pure (browser worker, Node worker_thread, Vitest): the packed format and the fixed
 * train/test split. Loaders: src/platform/node/mnist.ts (file system) and
 * src/platform/browser/mnist.ts (fetch).
 */
export {
  decodeMnist,
  encodeMnist,
  MNIST_COLS,
  MNIST_PIXELS,
  MNIST_ROWS,
  type RawMnist,
} from './mnist-format.ts';
export { type MnistSplitOptions, mnistPoolSizes, mnistPools, mnistSplit } from './mnist-split.ts';
