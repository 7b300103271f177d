/**
 * MNIST, pure (browser worker, Node worker_thread, Vitest): the packed format and the fixed
 * train/test split. Loaders: mnist-node.ts (Node, file system) and mnist-browser.ts (fetch).
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
