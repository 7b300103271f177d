import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfig } from '../../src/config/schema.ts';
import { inputToForm } from '../../src/ui/model/config-form.ts';
import { formState } from '../../src/ui/model/form-state.ts';
import { runName, studyRunNames } from '../../src/ui/model/run-name.ts';

const base = {
  dataset: { name: 'mnist', train: 600, test: 200, downsample: true },
  model: { preset: 'mlp', hidden: [32], norm: 'batch' },
  devices: 8,
  perDeviceBatch: 2,
  bnSync: 'sync',
  optimizer: { name: 'sgd', lr: 0.1 },
  steps: 10,
};
const config = (patch: Record<string, unknown> = {}): RunConfig =>
  parseConfig({ ...base, ...patch });

describe('run names', () => {
  it('state sync, devices × batch, norm, sharding and lr', () => {
    expect(runName(config())).toBe('SyncBN · 8×2 · BN · iid · lr 0.1');
    expect(runName(config({ bnSync: 'local' }))).toBe('local BN · 8×2 · BN · iid · lr 0.1');
    expect(runName(config({ bnSync: 'group:4' }))).toMatch(/^GroupBN 4 · /);
    expect(runName(config({ sharding: { dirichlet: 0.5 } }))).toMatch(/Dirichlet α=0\.5/);
  });

  it('differ when only the sharding differs (the non-IID run is not named like the IID one)', () => {
    expect(runName(config({ sharding: 'label-sorted' }))).not.toBe(runName(config()));
  });

  it('differ for each of the facts they state', () => {
    const variants = [
      config(),
      config({ bnSync: 'local' }),
      config({ devices: 4 }),
      config({ perDeviceBatch: 4 }),
      config({ model: { ...base.model, norm: 'layer' } }),
      config({ sharding: 'label-sorted' }),
      config({ optimizer: { name: 'sgd', lr: 0.01 } }),
    ];
    expect(new Set(variants.map(runName)).size).toBe(variants.length);
  });

  it('within a study, lead with what differs and keep the shared key facts once', () => {
    const names = studyRunNames([config({ bnSync: 'local' }), config()]);
    expect(names).toEqual([
      'local BN · 8×2 · BN · iid · lr 0.1',
      'SyncBN · 8×2 · BN · iid · lr 0.1',
    ]);
    const byShard = studyRunNames([config(), config({ sharding: 'label-sorted' })]);
    expect(byShard).toEqual([
      'iid · SyncBN · 8×2 · BN · lr 0.1',
      'label-sorted · SyncBN · 8×2 · BN · lr 0.1',
    ]);
  });

  it('are what the form names its runs, for one run and for a study', () => {
    const values = inputToForm(base);
    const one = formState(values, '', '');
    expect(one.runs.map((r) => r.name)).toEqual(['SyncBN · 8×2 · BN · iid · lr 0.1']);
    const study = formState(values, 'sharding', 'iid, label-sorted');
    expect(study.runs.map((r) => r.name)).toEqual([
      'iid · SyncBN · 8×2 · BN · lr 0.1',
      'label-sorted · SyncBN · 8×2 · BN · lr 0.1',
    ]);
  });
});
