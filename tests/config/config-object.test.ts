import { describe, expect, it } from 'vitest';
import {
  deepDiff,
  deepMerge,
  getPath,
  isPlainObject,
  setPath,
} from '../../src/config/config-object.ts';

describe('config-object: a config as plain data', () => {
  const config = {
    seed: 3,
    model: { hidden: [8, 4], normOptions: { eps: 1e-5 } },
    sharding: 'iid',
  };

  it('getPath reads a dotted path, "" as the whole config, array items by index', () => {
    expect(getPath(config, '')).toBe(config);
    expect(getPath(config, 'seed')).toBe(3);
    expect(getPath(config, 'model.normOptions.eps')).toBe(1e-5);
    expect(getPath(config, 'model.hidden.1')).toBe(4);
    expect(getPath(config, 'model.missing.eps')).toBeUndefined();
    expect(getPath(config, 'sharding.dirichlet')).toBeUndefined();
    expect(getPath(null, 'seed')).toBeUndefined();
    expect(getPath({ a: null }, 'a.b')).toBeUndefined();
  });

  it('setPath copies, creates parents and removes a key set to undefined', () => {
    const set = setPath(config, 'model.normOptions.momentum', 0.2);
    expect(getPath(set, 'model.normOptions')).toEqual({ eps: 1e-5, momentum: 0.2 });
    expect(config.model.normOptions).toEqual({ eps: 1e-5 });
    expect(setPath({}, 'dataset.name', 'mnist')).toEqual({ dataset: { name: 'mnist' } });
    expect(setPath(config, 'seed', undefined)).not.toHaveProperty('seed');
  });

  it('deepMerge merges objects key by key and replaces the rest; deepDiff gives the parts that differ', () => {
    const merged = deepMerge(config, { model: { hidden: [2], normOptions: { affine: false } } });
    expect(merged.model).toEqual({ hidden: [2], normOptions: { eps: 1e-5, affine: false } });
    expect(deepDiff(merged, config)).toEqual({
      model: { hidden: [2], normOptions: { affine: false } },
    });
    expect(deepDiff(config, config)).toEqual({});
  });

  it('isPlainObject is true for objects with keys only', () => {
    expect([{}, [], null, 'x', 1].map(isPlainObject)).toEqual([true, false, false, false, false]);
  });
});
