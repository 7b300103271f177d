import { Rng } from '../core/rng.ts';
import { type Dataset, type SplitDataset, standardize as zScore } from './dataset.ts';
import type { DatasetName } from './options.ts';
import { blobs } from './synthetic/blobs.ts';
import { circles } from './synthetic/circles.ts';
import { moons } from './synthetic/moons.ts';
import type { PointGenerator } from './synthetic/point-generator.ts';
import { spiral } from './synthetic/spiral.ts';
import { xor } from './synthetic/xor.ts';

export type SyntheticName = Exclude<DatasetName, 'mnist'>;

const GENERATORS: Record<SyntheticName, { generate: PointGenerator; fixedClasses?: number }> = {
  spiral: { generate: spiral },
  moons: { generate: moons, fixedClasses: 2 },
  circles: { generate: circles, fixedClasses: 2 },
  blobs: { generate: blobs },
  xor: { generate: xor, fixedClasses: 2 },
};

export const SYNTHETIC_NAMES = Object.keys(GENERATORS) as SyntheticName[];

export interface SyntheticOptions {
  name: SyntheticName;
  train: number;
  test: number;
  /** Standard deviation of the Gaussian noise on each coordinate (before featureScale). */
  noise: number;
  /** Multiply feature j by featureScale[j] (one value: every feature), after the noise. */
  featureScale?: readonly number[];
  /** z-score both splits with the training statistics (undoes featureScale's stretch). */
  standardize: boolean;
  /** spiral (arms) and blobs; moons, circles and xor always have 2. */
  classes: number;
  seed: number;
}

/** The class count a synthetic set really has (moons, circles and xor ignore `classes`). */
export function syntheticClasses(name: SyntheticName, classes: number): number {
  return GENERATORS[name].fixedClasses ?? classes;
}

/**
 * A seeded 2-D train/test pair. Train and test come from child streams of
 * `Rng.stream(seed, 'data/<name>')`, so the test set does not change when the training size does.
 */
export function makeSynthetic(opts: SyntheticOptions): SplitDataset {
  const entry = GENERATORS[opts.name];
  if (!entry) throw new Error(`makeSynthetic: unknown synthetic set "${opts.name}"`);
  const classes = syntheticClasses(opts.name, opts.classes);
  if (!Number.isInteger(classes) || classes < 2) {
    throw new RangeError(`makeSynthetic: ${opts.name} needs at least 2 classes, got ${classes}`);
  }
  const scale = featureScales(opts.featureScale);
  const base = Rng.stream(opts.seed, `data/${opts.name}`);
  const build = (split: 'train' | 'test', count: number): Dataset => {
    const x = new Float32Array(count * 2);
    const y = new Int32Array(count);
    entry.generate(base.fork(split), count, opts.noise, classes, x, y);
    const [sx, sy] = scale;
    for (let i = 0; i < count; i++) {
      x[2 * i]! *= sx; // x holds 2·count floats
      x[2 * i + 1]! *= sy;
    }
    return { name: opts.name, x, y, count, sampleShape: [2], classes };
  };
  const train = build('train', opts.train);
  const test = build('test', opts.test);
  if (!opts.standardize) return { train, test };
  return { train, test, standardization: zScore(train, test) };
}

function featureScales(featureScale: readonly number[] | undefined): [number, number] {
  const [first, second, ...more] = featureScale ?? [];
  if (first === undefined) return [1, 1];
  if (more.length === 0) return [first, second ?? first];
  throw new RangeError(
    `makeSynthetic: featureScale has ${2 + more.length} values; the 2-D sets take 1 or 2`,
  );
}
