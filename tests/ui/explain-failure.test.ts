import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { explainNonFiniteLoss } from '../../src/coordinator/diagnose-non-finite.ts';
import { explainFailure } from '../../src/ui/model/explain-failure.ts';

// The app's words for the engine's non-finite messages: only a divergence blames the learning rate.
const config = (optimizer: object) =>
  parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' }, optimizer });
const base = { step: 4, loss: Number.NaN, devices: [1], badSamples: 0, trainCount: 2000 };

describe('explainFailure: what the app says when a run fails', () => {
  it('bad data: fix the samples, not the learning rate', () => {
    const message = explainNonFiniteLoss({
      ...base,
      input: { device: 1, sample: 17, feature: 0, value: Number.NaN },
      badSamples: 1,
      param: null,
      config: config({ name: 'sgd' }),
    });
    const e = explainFailure(message, null);
    expect(e.summary).toMatch(/training data holds values that are not numbers/);
    expect(e.advice).not.toMatch(/learning rate/);
    expect(e.detail).toMatch(/training sample 17/);
  });

  it('weight decay past its stability limit: lower the weight decay', () => {
    const c = config({ name: 'sgd', lr: 1, weightDecay: 3 });
    const message = explainNonFiniteLoss({ ...base, input: null, param: null, config: c });
    const e = explainFailure(message, c);
    expect(e.advice).toMatch(/Lower the weight decay/);
  });

  it('an overflow otherwise: lower the learning rate', () => {
    const c = config({ name: 'sgd', lr: 1e6 });
    const message = explainNonFiniteLoss({ ...base, input: null, param: null, config: c });
    expect(explainFailure(message, c).advice).toMatch(/Lower the learning rate/);
  });

  it('a stuck worker: named, stopped at its deadline, rows kept; not "too busy"', () => {
    const e = explainFailure(
      'devices 2–3 (worker 1) did not answer train step 6 within 5400 ms (collectiveTimeoutMs + 5000 ms): the worker is stuck (blocked or in an endless loop) and was stopped',
      null,
    );
    expect(e.summary).toMatch(/devices 2–3 \(worker 1\).*stopped at its deadline.*kept/);
    expect(e.advice).toMatch(/collective timeout/);
    expect(e.advice).not.toMatch(/too busy/);
  });
});
