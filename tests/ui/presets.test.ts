import { describe, expect, it } from 'vitest';
import { expandStudy, variantLabel } from '../../src/ui/model/study.ts';
import { DEFAULT_STUDY, PRESETS } from '../../src/ui/model/presets.ts';

describe('presets', () => {
  const all = [{ id: 'default', title: 'default', study: DEFAULT_STUDY }, ...PRESETS];

  it('has the five named studies', () => {
    expect(PRESETS.map((p) => p.title)).toEqual([
      'Local BN vs SyncBN, 2 per device (default)',
      'Small-batch instability',
      'Non-IID shards',
      'GroupNorm',
      'No normalization',
    ]);
    expect(new Set(PRESETS.map((p) => p.id)).size).toBe(PRESETS.length);
  });

  it('every preset says what to look at; the no-normalization one says why it can beat local BN', () => {
    for (const p of PRESETS) expect(p.lookAt).toMatch(/^Look at .{40,}/);
    const noNorm = PRESETS.find((p) => p.id === 'no-norm')!;
    expect(noNorm.lookAt).toMatch(/beats? local BN/);
    expect(noNorm.lookAt).toMatch(/four examples per device/);
    expect(noNorm.lookAt).toMatch(/noisy/);
  });

  it.each(all.map((p) => [p.title, p] as const))(
    '%s: every variant validates with the schema and builds',
    (_t, p) => {
      const variants = expandStudy(p.study);
      expect(variants.length).toBeGreaterThanOrEqual(2);
      for (const v of variants) {
        expect(v.problems).toEqual([]);
        expect(v.config).not.toBeNull();
      }
      // Variants differ in the compared field only.
      expect(new Set(variants.map((v) => JSON.stringify(v.config))).size).toBe(variants.length);
      // Small enough to finish in under a minute on two cores (measured: ~4 s per 300-step variant).
      const work = variants.reduce((s, v) => s + v.config!.steps * v.config!.globalBatch, 0);
      expect(work).toBeLessThanOrEqual(3 * 300 * 128);
    },
  );

  it('the default study is MNIST MLP, 8 devices × 2, local BN and SyncBN side by side', () => {
    const [local, sync] = expandStudy(DEFAULT_STUDY).map((v) => v.config!);
    expect(local!.dataset).toMatchObject({ name: 'mnist', train: 2000, test: 500 });
    expect(local!.model).toMatchObject({ preset: 'mlp', hidden: [64, 64], norm: 'batch' });
    expect([local!.devices, local!.perDeviceBatch]).toEqual([8, 2]);
    expect([local!.bnSync, sync!.bnSync]).toEqual(['local', 'sync']);
  });

  it('the default is the first preset (one study, not two that drift apart), named as the default', () => {
    expect(PRESETS[0]!.study).toBe(DEFAULT_STUDY);
    expect(PRESETS[0]!.title).toMatch(/default/);
    expect(PRESETS.filter((p) => /default/.test(p.title))).toHaveLength(1);
    // No other preset runs the same study.
    const key = (p: (typeof PRESETS)[number]) =>
      JSON.stringify(expandStudy(p.study).map((v) => v.config));
    expect(new Set(PRESETS.map(key)).size).toBe(PRESETS.length);
  });

  it('variant labels avoid the word "run" (buttons named after runs must not match "Run")', () => {
    for (const p of all) {
      for (const v of expandStudy(p.study)) expect(v.label.toLowerCase()).not.toContain('run');
    }
    expect(variantLabel('bnSync', 'group:4')).toBe('SyncBN in groups of 4');
    expect(variantLabel('sharding', 'dirichlet:0.3')).toBe('Dirichlet α=0.3 shards');
  });
});

describe('expandStudy', () => {
  it('reports a bad compare value for that variant only', () => {
    const variants = expandStudy({
      ...DEFAULT_STUDY,
      compare: { field: 'perDeviceBatch', values: ['2', 'zero'] },
    });
    expect(variants[0]!.config).not.toBeNull();
    expect(variants[1]!.config).toBeNull();
    // In the form's words: the field's label, not its config key.
    expect(variants[1]!.problems.join(' ')).toMatch(/^Per-device batch: /);
  });

  it('without a comparison it is one run', () => {
    expect(expandStudy({ config: DEFAULT_STUDY.config, compare: null })).toHaveLength(1);
  });
});
