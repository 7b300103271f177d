/**
 * The dataset options makeDataset takes, in data's own terms. The run config's `dataset` section
 * (src/config/schema.ts, which takes the names from here) has exactly this shape, so the config
 * layer hands it over as it is; the type checker keeps the two in step.
 */
export const DATASETS = ['mnist', 'spiral', 'moons', 'circles', 'blobs', 'xor'] as const;
export type DatasetName = (typeof DATASETS)[number];

export interface DatasetOptions {
  readonly name: DatasetName;
  /** Training examples (MNIST: drawn from the fixed training split). */
  readonly train: number;
  readonly test: number;
  /** MNIST only: 2×2 average pooling to 14×14. */
  readonly downsample: boolean;
  /** Synthetic sets: noise level (standard deviation, in the set's own units). */
  readonly noise: number;
  /** Synthetic sets: multiply each input feature by this factor. */
  readonly featureScale?: readonly number[];
  /** z-score each feature with the training set's mean and standard deviation. */
  readonly standardize: boolean;
  /** spiral (arms) and blobs: number of classes; moons, circles and xor always have 2. */
  readonly classes: number;
}
