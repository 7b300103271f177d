import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configSchema, parseConfig } from '../../src/config/schema.ts';
import { BN_SYNC_GROUP_KEY, FIELDS, SHARDING_ALPHA_KEY } from '../../src/ui/model/config-fields.ts';
import { toEditableInput } from '../../src/config/config-input.ts';
import { formToInput, inputToForm, readForm } from '../../src/ui/model/config-form.ts';

/** Every leaf key of the schema, as dotted paths (unions and arrays are leaves). */
function schemaLeaves(schema: z.ZodType, prefix = ''): string[] {
  let s: z.ZodType = schema;
  for (;;) {
    if (s instanceof z.ZodDefault || s instanceof z.ZodOptional || s instanceof z.ZodNullable)
      s = s.unwrap() as z.ZodType;
    else if (s instanceof z.ZodPipe) s = s.in as z.ZodType;
    else break;
  }
  if (s instanceof z.ZodObject) {
    return Object.entries(s.shape).flatMap(([k, v]) =>
      schemaLeaves(v as z.ZodType, prefix ? `${prefix}.${k}` : k),
    );
  }
  return [prefix];
}

const RICH = {
  seed: 7,
  dataset: {
    name: 'spiral',
    train: 300,
    test: 100,
    noise: 0.2,
    featureScale: [1, 100],
    standardize: true,
    classes: 4,
  },
  model: {
    preset: 'mlp',
    hidden: [32, 16],
    activation: 'tanh',
    norm: 'ghost',
    normOptions: { eps: 0.001, momentum: null, affine: false, virtualBatch: 2 },
  },
  devices: 4,
  workers: 2,
  globalBatch: 30,
  bnSync: 'group:2',
  runningStats: 'mean',
  sharding: { dirichlet: 0.5 },
  optimizer: { name: 'adamw', lr: 0.003, weightDecay: 0.01, beta2: 0.99 },
  schedule: { name: 'cosine', warmupSteps: 10, minLr: 0.0001 },
  steps: 120,
  evalEvery: 30,
  evalMode: 'batch',
  evalBatch: 16,
  checksumEvery: 5,
  transport: 'message-port',
  collectiveTimeoutMs: 5000,
  telemetryEvery: 2,
};

describe('the setup form covers the schema', () => {
  it('exposes every config field exactly once', () => {
    const leaves = schemaLeaves(configSchema).sort();
    const fields = FIELDS.map((f) => f.path).sort();
    expect(fields).toEqual(leaves);
  });
});

describe('form ↔ config', () => {
  it('round-trips a config that sets nearly everything', () => {
    const values = inputToForm(RICH);
    expect(values['bnSync']).toBe('group');
    expect(values[BN_SYNC_GROUP_KEY]).toBe('2');
    expect(values['sharding']).toBe('dirichlet');
    expect(values[SHARDING_ALPHA_KEY]).toBe('0.5');
    expect(values['model.normOptions.momentum']).toBe('');
    expect(values['dataset.featureScale']).toBe('1, 100');
    const { input, unreadable } = formToInput(values);
    expect(unreadable).toEqual({});
    expect(parseConfig(input)).toEqual(parseConfig(RICH));
  });

  it('empty boxes: defaults, "not set", null and [] as each field says', () => {
    const values = {
      ...inputToForm(RICH),
      'dataset.train': '',
      workers: '',
      'model.hidden': '',
      'model.normOptions.momentum': '',
    };
    const { input } = formToInput(values);
    const c = parseConfig(input);
    expect(c.dataset.train).toBe(2000);
    expect(c.workers).toBeNull();
    expect(c.model.hidden).toEqual([]);
    expect(c.model.normOptions.momentum).toBeNull();
  });

  it('toEditableInput gives back an input that resolves to the same config', () => {
    for (const input of [
      RICH,
      { dataset: { name: 'mnist' }, model: { preset: 'cnn' }, devices: 2, perDeviceBatch: 8 },
    ]) {
      const resolved = parseConfig(input);
      expect(parseConfig(toEditableInput(resolved))).toEqual(resolved);
      expect(parseConfig(formToInput(inputToForm(toEditableInput(resolved))).input)).toEqual(
        resolved,
      );
    }
  });

  it('derived fields stay automatic (changing bnSync moves runningStats with it)', () => {
    const resolved = parseConfig({
      dataset: { name: 'mnist' },
      model: { preset: 'mlp' },
      devices: 4,
      perDeviceBatch: 4,
    });
    const values = inputToForm(toEditableInput(resolved));
    expect(values['runningStats']).toBe('');
    expect(values['evalBatch']).toBe('');
    expect(values['globalBatch']).toBe('');
    const synced = readForm({ ...values, bnSync: 'sync' });
    expect(synced.config?.runningStats).toBe('sync');
  });
});

describe('validation messages land next to their field', () => {
  const base = inputToForm({
    dataset: { name: 'mnist' },
    model: { preset: 'mlp' },
    devices: 8,
    perDeviceBatch: 4,
  });

  it('schema problems', () => {
    const r = readForm({ ...base, 'dataset.train': '0', devices: '65' });
    expect(r.config).toBeNull();
    expect(r.problems.byField['dataset.train']?.[0]).toMatch(/>=\s*1|at least|too small/i);
    expect(r.problems.byField['devices']?.[0]).toMatch(/64/);
  });

  it('text that is not a number, in words', () => {
    const r = readForm({ ...base, devices: 'eight', 'model.hidden': '64, x' });
    expect(r.problems.byField['devices']).toEqual(['enter a whole number']);
    expect(r.problems.byField['model.hidden']?.[0]).toMatch(/“x” is not a number/);
  });

  it('cross-field rules: both batch sizes, MNIST pool, group larger than the devices', () => {
    const r = readForm({
      ...base,
      globalBatch: '32',
      'dataset.train': '9000',
      bnSync: 'group',
      [BN_SYNC_GROUP_KEY]: '16',
    });
    // In the form's words (labels), at every field the rule concerns.
    expect(r.problems.byField['globalBatch']?.[0]).toMatch(
      /either “Per-device batch” or “Global batch \(instead of per-device\)”, not both/,
    );
    expect(r.problems.byField['perDeviceBatch']).toEqual(r.problems.byField['globalBatch']);
    expect(r.problems.byField['dataset.train']?.[0]).toMatch(/at most 8000/);
    expect(r.problems.byField['dataset.train']?.[0]?.match(/got 9000/g)).toHaveLength(1);
    expect(r.problems.byField['bnSync']?.[0]).toMatch(
      /group of 16 devices is more than the 8 “Devices \(K\)”/,
    );
    expect(r.problems.byField['devices']).toEqual(r.problems.byField['bnSync']);
  });

  it('model problems found by building it (groups that do not divide the width)', () => {
    const r = readForm({ ...base, 'model.norm': 'group', 'model.normOptions.groups': '5' });
    expect(r.config).toBeNull();
    expect(r.problems.byField['model.normOptions.groups']?.[0]).toMatch(/do not divide/);
  });

  it('a valid form resolves', () => {
    const r = readForm(base);
    expect(r.problems).toEqual({ byField: {}, general: [] });
    expect(r.config?.globalBatch).toBe(32);
  });
});
