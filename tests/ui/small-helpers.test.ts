import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { diffConfigs } from '../../src/ui/model/config-diff.ts';
import { explainFailure } from '../../src/ui/model/explain-failure.ts';
import {
  exportFileName,
  formatBytes,
  formatDuration,
  formatPercent,
  overallPercent,
} from '../../src/ui/model/format.ts';

describe('diffConfigs', () => {
  it('lists only the fields that differ, with one value per run', () => {
    const base = {
      dataset: { name: 'mnist' },
      model: { preset: 'mlp' },
      devices: 8,
      perDeviceBatch: 4,
    } as const;
    const a = parseConfig({ ...base, bnSync: 'local' });
    const b = parseConfig({ ...base, bnSync: 'sync' });
    const c = parseConfig({ ...base, bnSync: 'sync', sharding: { dirichlet: 0.3 } });
    expect(diffConfigs([a, b])).toEqual([
      { path: 'bnSync', values: ['local', 'sync'] },
      { path: 'runningStats', values: ['rank0', 'sync'] },
    ]);
    expect(diffConfigs([a, b, c]).map((d) => d.path)).toEqual([
      'bnSync',
      'sharding',
      'runningStats',
    ]);
    expect(diffConfigs([a, b, c]).find((d) => d.path === 'sharding')?.values).toEqual([
      'iid',
      'iid',
      '{"dirichlet":0.3}',
    ]);
    expect(diffConfigs([a, a])).toEqual([]);
  });
});

describe('explainFailure', () => {
  it('explains per-device batch 1 with local BN and suggests SyncBN or a larger batch', () => {
    // The schema now rejects this config before the first step (src/config/rules.ts); a run saved
    // before that rule, or imported, can still carry this failure, so the explanation stays.
    const config = {
      ...parseConfig({ dataset: { name: 'mnist' }, model: { preset: 'mlp' }, devices: 8 }),
      perDeviceBatch: 1,
    };
    const e = explainFailure(
      'bn1: Expected more than 1 value per channel when training, got input size [1, 64] (device 3)',
      config,
    );
    expect(e.summary).toMatch(/only its own slice of the batch \(1 example here\)/);
    expect(e.advice).toMatch(/SyncBN/);
    expect(e.advice).toMatch(/per-device batch of 2 or more/);
    expect(e.detail).toMatch(/Expected more than 1 value/);
  });

  it('passes unknown messages through', () => {
    expect(explainFailure('something odd', null)).toEqual({
      summary: 'something odd',
      advice: null,
      detail: 'something odd',
    });
  });
});

describe('format', () => {
  it('percent, duration, bytes, overall progress, file names', () => {
    expect(formatPercent(0.9163)).toBe('91.6%');
    expect(formatPercent(null)).toBe('–');
    expect(formatDuration(4_400)).toBe('4 s');
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(Number.NaN)).toBe('–');
    expect(formatBytes(2_160_000)).toBe('2.2 MB');
    expect(
      overallPercent([
        { done: 300, total: 300 },
        { done: 150, total: 300 },
      ]),
    ).toBe(75);
    expect(overallPercent([])).toBe(0);
    expect(exportFileName('local BN · MNIST MLP, 8×4')).toBe(
      'local BN · MNIST MLP, 8×4.syncbn-run.json',
    );
    expect(exportFileName('a/b:c?')).toBe('a-b-c-.syncbn-run.json');
    expect(exportFileName('  ')).toBe('syncbn-run.syncbn-run.json');
  });
});
