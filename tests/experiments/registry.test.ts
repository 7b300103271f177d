import { describe, expect, it } from 'vitest';
import { EXPERIMENT_NAMES, EXPERIMENTS } from '../../src/experiments/index.ts';

describe('the named experiments', () => {
  it('are all registered under their own names', () => {
    expect(Object.keys(EXPERIMENTS).sort()).toEqual([...EXPERIMENT_NAMES].sort());
    for (const [name, e] of Object.entries(EXPERIMENTS)) expect(e.name).toBe(name);
  });

  for (const quick of [true, false]) {
    it(`have unique unit keys and positive costs (${quick ? 'quick' : 'full'})`, () => {
      for (const e of Object.values(EXPERIMENTS)) {
        const units = e.units(quick);
        expect(units.length).toBeGreaterThan(0);
        expect(new Set(units.map((u) => u.key)).size).toBe(units.length);
        for (const u of units) expect(u.cost).toBeGreaterThan(0);
        expect(e.seeds(quick).length).toBeGreaterThan(0);
      }
    });
  }

  it('use at least 3 seeds in the full version, and 4 per-device batches from 32 to 2', () => {
    for (const e of Object.values(EXPERIMENTS))
      expect(e.seeds(false).length).toBeGreaterThanOrEqual(3);
    const keys = EXPERIMENTS['batch-size'].units(true).map((u) => u.key);
    for (const b of [32, 8, 4, 2]) expect(keys).toContain(`local-bn/b${b}/s1`);
  });
});
