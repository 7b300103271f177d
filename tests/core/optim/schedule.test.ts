import { describe, expect, it } from 'vitest';
import { scheduleSchema } from '../../../src/config/schema.ts';
import { learningRate } from '../../../src/core/optim/schedule.ts';

const schedule = (input: Record<string, unknown>) => scheduleSchema.parse(input);
// Pure float64 arithmetic on a few terms: 1e-12 absolute.
const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-12);

describe('learningRate', () => {
  it('constant', () => {
    const cfg = schedule({ name: 'constant' });
    for (const s of [0, 1, 99, 500]) expect(learningRate(cfg, 0.1, s, 100)).toBe(0.1);
  });

  it('linear warm-up from 0: step s < W runs at lr·(s+1)/(W+1)', () => {
    const cfg = schedule({ name: 'constant', warmupSteps: 4 });
    const lrs = [0, 1, 2, 3, 4, 5].map((s) => learningRate(cfg, 1, s, 100));
    const expected = [0.2, 0.4, 0.6, 0.8, 1, 1];
    for (let i = 0; i < expected.length; i++) close(lrs[i]!, expected[i]!);
  });

  it('step: ×gamma every stepSize steps', () => {
    const cfg = schedule({ name: 'step', stepSize: 10, gamma: 0.5 });
    close(learningRate(cfg, 0.2, 0, 100), 0.2);
    close(learningRate(cfg, 0.2, 9, 100), 0.2);
    close(learningRate(cfg, 0.2, 10, 100), 0.1);
    close(learningRate(cfg, 0.2, 25, 100), 0.05);
  });

  it('step after warm-up counts from the end of warm-up', () => {
    const cfg = schedule({ name: 'step', stepSize: 10, gamma: 0.5, warmupSteps: 5 });
    close(learningRate(cfg, 1, 4, 100), 5 / 6);
    close(learningRate(cfg, 1, 5, 100), 1);
    close(learningRate(cfg, 1, 14, 100), 1);
    close(learningRate(cfg, 1, 15, 100), 0.5);
  });

  it('cosine: baseLr at the first step, minLr at the last', () => {
    const cfg = schedule({ name: 'cosine', minLr: 0.1 });
    // 11 steps: t/(T−1) = s/10.
    close(learningRate(cfg, 1, 0, 11), 1);
    close(learningRate(cfg, 1, 5, 11), 0.55); // cos(π/2) = 0: halfway
    close(learningRate(cfg, 1, 10, 11), 0.1);
    close(learningRate(cfg, 1, 20, 11), 0.1); // past the end
    // 5 steps, step 1: 0.1 + 0.9·(1 + cos(π/4))/2 = 0.1 + 0.9·0.8535533905932737
    close(learningRate(cfg, 1, 1, 5), 0.8681980515339464);
  });

  it('cosine after warm-up decays over the remaining steps', () => {
    const cfg = schedule({ name: 'cosine', warmupSteps: 3, minLr: 0 });
    // total 13: warm-up steps 0..2, cosine over t = 0..9.
    close(learningRate(cfg, 2, 2, 13), 1.5);
    close(learningRate(cfg, 2, 3, 13), 2);
    close(learningRate(cfg, 2, 12, 13), 0);
    // t = 3 of 9: 2·(1 + cos(π/3))/2 = 1.5
    close(learningRate(cfg, 2, 6, 13), 1.5);
  });

  it('cosine with a single step runs it at baseLr', () => {
    const cfg = schedule({ name: 'cosine', minLr: 0 });
    expect(learningRate(cfg, 0.5, 0, 1)).toBe(0.5);
  });
});
