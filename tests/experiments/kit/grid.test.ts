import { describe, expect, it } from 'vitest';
import { grid } from '../../../src/experiments/kit/grid.ts';

describe('grid', () => {
  it('lists every combination, the first axis outermost', () => {
    expect(
      grid({ seed: [1, 2], norm: ['bn', 'gn'], b: [8, 4] }).map((p) => `${p.seed}${p.norm}${p.b}`),
    ).toEqual(['1bn8', '1bn4', '1gn8', '1gn4', '2bn8', '2bn4', '2gn8', '2gn4']);
  });

  it('is empty when an axis is', () => {
    expect(grid({ seed: [1, 2], b: [] })).toEqual([]);
  });
});
