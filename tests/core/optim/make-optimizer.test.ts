import { describe, expect, it } from 'vitest';
import { ConfigError, optimizerSchema } from '../../../src/config/schema.ts';
import { makeOptimizer } from '../../../src/core/optim/make-optimizer.ts';
import { param, setGrad } from './helpers.ts';

const cfg = (input: Record<string, unknown>) => optimizerSchema.parse(input);

describe('makeOptimizer', () => {
  it('builds the named optimizer with the config options', () => {
    expect(makeOptimizer(cfg({ name: 'sgd' }), []).kind).toBe('sgd');
    expect(makeOptimizer(cfg({ name: 'adam' }), []).kind).toBe('adam');
    expect(makeOptimizer(cfg({ name: 'adamw' }), []).kind).toBe('adamw');
    // momentum and weight decay reach SGD: one step of lr 0.1 with g = 1, wd 0.5, w = 2 → 2 − 0.1·2 = 1.8,
    // and the momentum buffer exists.
    const w = param('w', [2]);
    const opt = makeOptimizer(cfg({ name: 'sgd', momentum: 0.5, weightDecay: 0.5 }), [w]);
    setGrad(w, [1]);
    opt.step(0.1);
    expect(w.value[0]).toBeCloseTo(1.8, 6);
    expect(Object.keys(opt.state().buffers)).toEqual(['w.momentum']);
  });

  it('rejects Nesterov without momentum as a config error naming the field', () => {
    expect(() => makeOptimizer(cfg({ name: 'sgd', nesterov: true }), [])).toThrow(ConfigError);
    expect(() => makeOptimizer(cfg({ name: 'sgd', nesterov: true }), [])).toThrow(
      /^optimizer\.nesterov: /,
    );
  });
});
