import { describe, expect, it } from 'vitest';
import { findRuleProblems } from '../../src/config/rules.ts';
import { configSchema, MNIST_TEST_POOL, MNIST_TRAIN_POOL } from '../../src/config/schema.ts';

describe('the mnist-pool rule: each split asks for at most the digits of its pool', () => {
  const parsed = (dataset: object) =>
    configSchema.parse({ dataset: { name: 'moons', ...dataset }, model: { preset: 'mlp' } });

  it('names the split, its pool and what was asked, training before test', () => {
    const c = {
      ...parsed({ train: MNIST_TRAIN_POOL + 1, test: MNIST_TEST_POOL + 2 }),
      dataset: {
        ...parsed({}).dataset,
        name: 'mnist',
        train: MNIST_TRAIN_POOL + 1,
        test: MNIST_TEST_POOL + 2,
      },
    };
    const pools = findRuleProblems(c).filter((p) => p.rule === 'mnist-pool');
    expect(pools).toEqual([
      {
        rule: 'mnist-pool',
        paths: ['dataset.train'],
        params: { split: 'train', max: MNIST_TRAIN_POOL, got: MNIST_TRAIN_POOL + 1 },
      },
      {
        rule: 'mnist-pool',
        paths: ['dataset.test'],
        params: { split: 'test', max: MNIST_TEST_POOL, got: MNIST_TEST_POOL + 2 },
      },
    ]);
  });

  it('says nothing within the pools, or for a synthetic set', () => {
    const within = parsed({ train: MNIST_TRAIN_POOL, test: MNIST_TEST_POOL });
    expect(
      findRuleProblems({ ...within, dataset: { ...within.dataset, name: 'mnist' } }).filter(
        (p) => p.rule === 'mnist-pool',
      ),
    ).toEqual([]);
    const synthetic = parsed({ train: MNIST_TRAIN_POOL + 1 });
    expect(findRuleProblems(synthetic).filter((p) => p.rule === 'mnist-pool')).toEqual([]);
  });
});
