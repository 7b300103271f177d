import { describe, expect, it } from 'vitest';
import { initWeights } from '../../../src/core/init.ts';
import { Conv2d } from '../../../src/core/layers/conv2d.ts';
import { Dense } from '../../../src/core/layers/dense.ts';
import { Rng } from '../../../src/core/rng.ts';

function stats(x: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const v of x) {
    s += v;
    s2 += v * v;
    m = Math.max(m, Math.abs(v));
  }
  const mean = s / x.length;
  return { mean, std: Math.sqrt(s2 / x.length - mean * mean), maxAbs: m };
}

describe('weight init', () => {
  it('torch: U(±1/√fan_in) for weight and bias', () => {
    const w = new Float32Array(40_000);
    const b = new Float32Array(1000);
    initWeights(w, b, 400, 100, 'torch', Rng.stream(1, 'init'));
    const bound = 1 / 20;
    const sw = stats(w);
    expect(sw.maxAbs).toBeLessThanOrEqual(bound);
    // Uniform std is bound/√3; 40k samples give ~0.4 % relative sampling error.
    expect(sw.std).toBeCloseTo(bound / Math.sqrt(3), 3);
    expect(stats(b).maxAbs).toBeLessThanOrEqual(bound);
    expect(stats(b).maxAbs).toBeGreaterThan(bound * 0.9);
  });

  it.each([
    ['he', Math.sqrt(2 / 400)],
    ['xavier', Math.sqrt(2 / 500)],
    [{ normalStd: 0.01 }, 0.01],
  ] as const)('%s: normal with the right std and zero bias', (init, std) => {
    const w = new Float32Array(40_000);
    const b = new Float32Array(10).fill(1);
    initWeights(w, b, 400, 100, init, Rng.stream(2, 'init'));
    const s = stats(w);
    expect(Math.abs(s.mean)).toBeLessThan(3 * (std / 200));
    expect(Math.abs(s.std / std - 1)).toBeLessThan(0.02);
    expect([...b].every((v) => v === 0)).toBe(true);
  });

  it('is deterministic given the rng, and layers use fan_in = inC·k·k', () => {
    const a = new Dense({ name: 'fc', inFeatures: 8, outFeatures: 3, rng: Rng.stream(3, 'init') });
    const b = new Dense({ name: 'fc', inFeatures: 8, outFeatures: 3, rng: Rng.stream(3, 'init') });
    expect([...a.weight.value]).toEqual([...b.weight.value]);
    expect([...a.bias!.value]).toEqual([...b.bias!.value]);
    const conv = new Conv2d({
      name: 'c',
      inChannels: 4,
      outChannels: 64,
      kernel: 3,
      rng: Rng.stream(4, 'init'),
    });
    expect(stats(conv.weight.value).maxAbs).toBeLessThanOrEqual(1 / 6);
    expect(stats(conv.weight.value).maxAbs).toBeGreaterThan(0.9 / 6);
    expect(conv.weight.decay).toBe(true);
    expect(conv.bias!.decay).toBe(false);
  });
});
