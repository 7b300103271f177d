import { describe, expect, it } from 'vitest';
import { toConfigInput, toEditableInput } from '../../src/config/config-input.ts';
import {
  DEFAULT_PER_DEVICE_BATCH,
  defaultEvalBatch,
  defaultPreciseSamples,
  defaultRunningStats,
  resolveBatch,
} from '../../src/config/derived-defaults.ts';
import { parseConfig } from '../../src/config/schema.ts';

describe('derived defaults: the defaults that depend on other fields', () => {
  it('resolveBatch: the per-device batch (given or 32) times the devices, or the global batch', () => {
    expect(resolveBatch({ devices: 4 })).toEqual({
      perDeviceBatch: DEFAULT_PER_DEVICE_BATCH,
      globalBatch: 4 * DEFAULT_PER_DEVICE_BATCH,
    });
    expect(resolveBatch({ devices: 4, perDeviceBatch: 5 })).toEqual({
      perDeviceBatch: 5,
      globalBatch: 20,
    });
    expect(resolveBatch({ devices: 4, globalBatch: 50 })).toEqual({
      perDeviceBatch: null,
      globalBatch: 50,
    });
  });

  it('evalBatch, preciseSamples and runningStats defaults', () => {
    expect(defaultEvalBatch({ perDeviceBatch: 16, globalBatch: 64 }, 4)).toBe(16);
    expect(defaultEvalBatch({ perDeviceBatch: null, globalBatch: 50 }, 4)).toBe(12);
    expect(defaultEvalBatch({ perDeviceBatch: null, globalBatch: 3 }, 8)).toBe(1);
    expect(defaultPreciseSamples(500)).toBe(500);
    expect(defaultPreciseSamples(5000)).toBe(1024);
    expect(defaultRunningStats('local')).toBe('rank0');
    expect(defaultRunningStats('sync')).toBe('sync');
    expect(defaultRunningStats('group:2')).toBe('sync');
  });

  it('parseConfig fills in what these give', () => {
    const c = parseConfig({
      dataset: { name: 'moons', train: 300 },
      model: { preset: 'mlp' },
      devices: 4,
      globalBatch: 50,
      bnSync: 'group:2',
    });
    expect(c).toMatchObject({
      perDeviceBatch: null,
      globalBatch: 50,
      evalBatch: 12,
      preciseSamples: 300,
      runningStats: 'sync',
    });
  });
});

describe('config-input: a resolved config back to input', () => {
  const given = {
    dataset: { name: 'moons' as const },
    model: { preset: 'mlp' as const },
    devices: 4,
    globalBatch: 50,
    workers: 2,
    evalBatch: 7,
    runningStats: 'mean' as const,
  };

  it('toConfigInput keeps every value (and the key order exports were written with)', () => {
    const c = parseConfig(given);
    const input = toConfigInput(c);
    expect(parseConfig(input)).toEqual(c);
    expect(input).not.toHaveProperty('perDeviceBatch');
    expect(Object.keys(input).slice(-2)).toEqual(['globalBatch', 'workers']);
    expect(toConfigInput(parseConfig({ ...given, workers: undefined }))).not.toHaveProperty(
      'workers',
    );
  });

  it('toEditableInput leaves out the derived values parseConfig would give again, keeps the others', () => {
    const chosen = parseConfig(given);
    expect(toEditableInput(chosen)).toMatchObject({ evalBatch: 7, runningStats: 'mean' });
    const derived = parseConfig({ ...given, evalBatch: undefined, runningStats: undefined });
    const input = toEditableInput(derived);
    for (const key of ['evalBatch', 'preciseSamples', 'runningStats', 'perDeviceBatch'])
      expect(input).not.toHaveProperty(key);
    expect(parseConfig(input)).toEqual(derived);
  });
});
