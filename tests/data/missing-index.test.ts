import { describe, expect, it } from 'vitest';
import { type Dataset, gatherBatch, standardize } from '../../src/data/dataset.ts';
import { makeSharder } from '../../src/data/sharding.ts';

// Reads that could fall outside an array (an index from the caller, a dataset whose arrays are
// shorter than its count) are checked once, before the loops, with an error naming what is missing.

function dataset(count: number, floats: number, labels: number): Dataset {
  return {
    name: 'tiny',
    x: new Float32Array(floats),
    y: new Int32Array(labels),
    count,
    sampleShape: [2],
    classes: 2,
  };
}

describe('indices that can be missing', () => {
  it('sharding names a sample outside the training set', () => {
    const shard = makeSharder('iid', { devices: 2, classes: 2, seed: 1 });
    const labels = new Int32Array([0, 1, 0, 1]);
    expect(() => shard(new Int32Array([0, 7]), labels, [1, 1])).toThrow(
      "sharding: sample 7 is outside the training set's 4 labels",
    );
  });

  it('gatherBatch refuses a dataset whose arrays hold fewer samples than its count', () => {
    expect(() => gatherBatch(dataset(3, 4, 3), [0])).toThrow(
      'tiny: 3 samples of 2 floats need 6 floats and 3 labels, the dataset holds 4 and 3',
    );
    expect(() => gatherBatch(dataset(3, 6, 2), [0])).toThrow(/holds 6 and 2/);
  });

  it('standardize refuses a dataset whose arrays hold fewer samples than its count', () => {
    expect(() => standardize(dataset(3, 6, 3), dataset(2, 2, 2))).toThrow(
      'tiny: 2 samples of 2 floats need 4 floats and 2 labels, the dataset holds 2 and 2',
    );
  });
});
