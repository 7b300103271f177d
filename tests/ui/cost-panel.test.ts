import { configureLocalization } from '@lit/localize';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig, type RunConfig } from '../../src/config/schema.ts';
import { architecture, estimateCost, estimateGroup, simulatedModel } from '../../src/cost/index.ts';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import {
  baselineIndex,
  type CostChoice,
  type CostRun,
  choiceProblems,
  clusterEstimate,
  clusterEstimateSteps,
  comparisonRows,
  costSetting,
  defaultChoice,
} from '../../src/ui/model/cost-panel.ts';
import { shapeCostScaling } from '../../src/ui/charts/shape-cost-scaling.ts';
import { costMs, signedMs, signedPct, signedPp } from '../../src/ui/live/cost-panel-format.ts';

/*
 * Issue #14, the app's "Cost on a cluster" panel, its model without the page: a preset and K read
 * into the cost model's setting, each run's measured accuracy beside its modelled step time (the
 * same numbers the cost model gives for that setting), and bad input as messages at its fields,
 * never an exception; in Chinese too.
 */

Object.assign(globalThis, { window: globalThis.window ?? new EventTarget() });
const { setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => import('../../src/ui/i18n/generated/zh-CN.ts'),
});
afterAll(async () => {
  await setLocale('en');
});

const config = (over: Record<string, unknown> = {}): RunConfig =>
  parseConfig({
    seed: 1,
    dataset: { name: 'mnist', train: 2000, test: 500 },
    model: { preset: 'mlp', hidden: [64, 64], norm: 'batch' },
    devices: 8,
    perDeviceBatch: 2,
    bnSync: 'local',
    steps: 300,
    ...over,
  });

const run = (key: string, over: Record<string, unknown>, testAcc: number | null): CostRun => ({
  key,
  label: key,
  config: config(over),
  testAcc,
});

/** The default study: local BN vs SyncBN at 8 × 2 (33.0% vs 89.4% in the README). */
const study: CostRun[] = [
  run('local BN', { bnSync: 'local' }, 0.33),
  run('SyncBN', { bnSync: 'sync' }, 0.894),
];

const choice = (over: Partial<CostChoice> = {}): CostChoice => ({
  ...defaultChoice(8),
  ...over,
});

describe('preset → cost setting', () => {
  it('the NVLink + InfiniBand NDR preset with an A100: NVLink 3 inside the node, NDR between, 8 per node, peak × efficiency', () => {
    const s = costSetting(choice({ gpus: '64' }), study[0]!);
    expect(s.gpus).toBe(64);
    expect(s.gpusPerNode).toBe(8);
    expect(s.batchPerGpu).toBe(2);
    expect(s.fabric.intra.id).toBe('nvlink3');
    expect(s.fabric.intra.bandwidthGBps).toBe(300);
    expect(s.fabric.inter.id).toBe('ib-ndr');
    expect(s.fabric.inter.bandwidthGBps).toBe(50);
    expect(s.compute).toEqual({ peakTflops: 312, efficiency: 0.25 });
  });

  it('the GPU picks the NVLink generation; the workstation is PCIe Gen 4; Ethernet is 100 Gb/s', () => {
    expect(costSetting(choice({ gpu: 'h100' }), study[0]!).fabric.intra.id).toBe('nvlink4');
    expect(costSetting(choice({ gpu: 'v100' }), study[0]!).fabric.intra.id).toBe('nvlink2');
    expect(costSetting(choice({ preset: 'pcie-workstation' }), study[0]!).fabric.intra.id).toBe(
      'pcie4',
    );
    expect(costSetting(choice({ preset: 'ethernet' }), study[0]!).fabric.inter.id).toBe('eth-100');
    expect(costSetting(choice({ preset: 'nvlink-hdr' }), study[0]!).fabric.inter.id).toBe('ib-hdr');
  });

  it('a compute time typed in replaces the FLOPs estimate', () => {
    expect(costSetting(choice({ computeMs: ' 20 ' }), study[0]!).compute).toEqual({
      computeMs: 20,
    });
  });

  it("costs the run's own simulated model, or a real architecture at the run's per-device batch", () => {
    const own = costSetting(choice(), study[0]!);
    expect(own.model).toEqual(simulatedModel(study[0]!.config));
    expect(own.model.layers.filter((l) => l.bnChannels !== undefined).length).toBe(2);
    const resnet = costSetting(
      choice({ model: 'resnet50' }),
      run('r', { perDeviceBatch: 32 }, 0.5),
    );
    expect(resnet.model).toEqual(architecture('resnet50'));
    expect(resnet.batchPerGpu).toBe(32);
    // A global batch split over the devices: its mean share.
    const split = run('g', { perDeviceBatch: undefined, globalBatch: 64 }, null);
    expect(costSetting(choice(), split).batchPerGpu).toBe(8);
  });
});

describe('measured accuracy beside modelled step time', () => {
  it('local BN is the baseline; SyncBN shows the accuracy it gained and the time the model says it costs', () => {
    const c = choice({ gpus: '64', model: 'resnet50' });
    const rows = comparisonRows(c, study);
    const expected = estimateCost(costSetting(c, study[0]!));
    expect(rows.map((r) => [r.label, r.mode, r.baseline])).toEqual([
      ['local BN', 'local BN', true],
      ['SyncBN', 'SyncBN', false],
    ]);
    expect(rows[0]!.stepMs).toBeCloseTo(expected.stepMs.local!, 9);
    expect(rows[1]!.stepMs).toBeCloseTo(expected.stepMs.sync!, 9);
    expect(rows[1]!.accuracyDeltaPp).toBeCloseTo(56.4, 9);
    expect(rows[1]!.stepDeltaMs).toBeCloseTo(expected.overheadMs, 9);
    expect(rows[1]!.stepDeltaPct).toBeCloseTo(expected.overheadPct, 9);
    expect(rows[1]!.stepDeltaMs).toBeGreaterThan(0);
    expect(rows[0]!.accuracyDeltaPp).toBeNull();
    expect(rows[0]!.stepDeltaMs).toBeNull();
    expect(rows[1]!.computeMs).toBeCloseTo(expected.computeMs, 9);
  });

  it('group:g runs are costed with BN within their groups; a group that does not divide K says so', () => {
    const runs = [
      run('local', {}, 0.5),
      run('g4', { bnSync: 'group:4' }, 0.6),
      run('g3', { devices: 6, bnSync: 'group:3' }, 0.55),
    ];
    const c = choice({ gpus: '16' });
    const rows = comparisonRows(c, runs);
    const expected = estimateCost(costSetting(c, runs[0]!));
    expect(rows[1]!.mode).toBe('group:4');
    expect(rows[1]!.stepMs).toBeCloseTo(expected.stepMs['group:4']!, 9);
    expect(rows[2]!.stepMs).toBeNull();
    expect(rows[2]!.note).toBe('group:3 needs K to be a multiple of 3: not modelled at K = 16.');
    // At K = 12 (not whole nodes of 8) the field says why instead; on a workstation K = 6 is fine.
    const six = comparisonRows(choice({ gpus: '6', preset: 'pcie-workstation' }), runs);
    expect(six[2]!.stepMs).toBeCloseTo(
      estimateGroup(costSetting(choice({ gpus: '6', preset: 'pcie-workstation' }), runs[2]!), 3)
        .times.stepMs,
      9,
    );
    expect(six[1]!.note).toBe('group:4 needs K to be a multiple of 4: not modelled at K = 6.');
  });

  it('a norm with nothing to synchronize costs as local BN, and the first local-BN run is the baseline wherever it is', () => {
    const runs = [run('gn', { model: { preset: 'mlp', hidden: [64, 64], norm: 'group' } }, 0.7)];
    runs.push(run('sync', { bnSync: 'sync' }, 0.9), run('local', {}, 0.3));
    expect(baselineIndex(runs)).toBe(2);
    const rows = comparisonRows(choice({ model: 'resnet50', gpus: '32' }), runs);
    expect(rows[0]!.mode).toBe('GroupNorm (nothing to synchronize)');
    expect(rows[0]!.stepMs).toBeCloseTo(rows[2]!.stepMs!, 9);
    expect(rows[0]!.accuracyDeltaPp).toBeCloseTo(40, 9);
  });

  it('an accuracy not measured yet stays unknown; the step time is still modelled', () => {
    const rows = comparisonRows(choice(), [run('a', {}, null), run('b', { bnSync: 'sync' }, 0.8)]);
    expect(rows[1]!.accuracyDeltaPp).toBeNull();
    expect(rows[1]!.stepMs).not.toBeNull();
  });

  it('the full estimate reaches K = 1024 on a cluster and stops at the node on a workstation', () => {
    expect(clusterEstimate(choice(), study)?.scaling.at(-1)?.gpus).toBe(1024);
    // Built a piece at a time, it is exactly the cost model's own estimate.
    const c = choice({ model: 'resnet50', gpus: '64', preset: 'ethernet' });
    expect(clusterEstimate(c, study)).toEqual(
      estimateCost(costSetting(c, study[0]!, undefined, 1024)),
    );
    let pieces = 0;
    const steps = clusterEstimateSteps(c, study);
    while (!steps.next().done) pieces++;
    expect(pieces).toBe(11);
    const ws = clusterEstimate(choice({ preset: 'pcie-workstation', gpus: '4' }), study);
    expect(ws?.scaling.map((r) => r.gpus)).toEqual([1, 2, 4, 8]);
    expect(ws?.modes.map((m) => m.mode)).toEqual(['local', 'sync', 'group:2']);
  });
});

describe('the overhead chart', () => {
  it('draws the scaling table as % over local BN at each K: local 0, SyncBN, BN within one node', () => {
    const rows = clusterEstimate(choice({ model: 'resnet50' }), study)!.scaling;
    const shaped = shapeCostScaling(rows);
    expect(shaped.gpus).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]);
    expect(shaped.data[1]).toEqual(rows.map(() => 0));
    rows.forEach((r, i) => {
      expect(shaped.syncPct[i]).toBeCloseTo(r.syncOverheadPct, 9);
      expect(shaped.nodeGroupPct[i]).toBeCloseTo((r.nodeGroupMs / r.localMs - 1) * 100, 9);
    });
    // Up to one node the node's group is everyone: the same as SyncBN; beyond it, cheaper.
    expect(shaped.nodeGroupPct.slice(0, 4)).toEqual(shaped.syncPct.slice(0, 4));
    expect(shaped.nodeGroupPct[10]!).toBeLessThan(shaped.syncPct[10]!);
  });
});

describe('bad input: a message at its field, never an exception', () => {
  const problems = (over: Partial<CostChoice>) => choiceProblems(choice(over));

  it.each([
    ['', 'Enter the number of GPUs (K): a whole number from 1 to 1024.'],
    ['abc', 'GPUs (K) must be a whole number from 1 to 1024; “abc” is not.'],
    ['0', 'GPUs (K) must be a whole number from 1 to 1024; “0” is not.'],
    ['2.5', 'GPUs (K) must be a whole number from 1 to 1024; “2.5” is not.'],
    ['2048', 'GPUs (K) must be a whole number from 1 to 1024; “2048” is not.'],
    [
      '12',
      'K = 12 does not fill whole nodes of 8 GPUs: choose a multiple of 8 (such as 8 or 16), or at most 8.',
    ],
  ])('K = “%s”', (gpus, message) => {
    expect(problems({ gpus })).toEqual([{ field: 'gpus', message }]);
    expect(comparisonRows(choice({ gpus }), study)).toEqual([]);
    expect(clusterEstimate(choice({ gpus }), study)).toBeNull();
  });

  it('K within a node, whole nodes, and 1024 are fine', () => {
    for (const gpus of ['1', '3', '8', '24', '1024']) expect(problems({ gpus })).toEqual([]);
  });

  it('a workstation holds one node', () => {
    expect(problems({ preset: 'pcie-workstation', gpus: '16' })).toEqual([
      {
        field: 'gpus',
        message:
          'A workstation holds at most 8 GPUs: choose K from 1 to 8, or a cluster preset for K = 16.',
      },
    ]);
  });

  it('compute per step: empty or a number ≥ 0', () => {
    expect(problems({ computeMs: '' })).toEqual([]);
    expect(problems({ computeMs: '0' })).toEqual([]);
    expect(problems({ computeMs: '-1' })).toEqual([
      {
        field: 'computeMs',
        message:
          "Compute per step must be a number of milliseconds, 0 or more (“-1” is not); leave it empty to estimate it from the model's FLOPs.",
      },
    ]);
    expect(problems({ computeMs: 'fast', gpus: '' }).map((p) => p.field)).toEqual([
      'gpus',
      'computeMs',
    ]);
  });
});

describe('in Chinese', () => {
  it('the messages are Chinese with their numbers; the figures use the sign and units', async () => {
    await setLocale('zh-CN');
    try {
      const [k] = choiceProblems(choice({ gpus: '12' }));
      expect(k?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(k?.message).not.toMatch(/does not fill/);
      for (const n of ['12', '8', '16']) expect(k?.message).toContain(n);
      const [ms] = choiceProblems(choice({ computeMs: '-1' }));
      expect(ms?.message).toMatch(/[\u4e00-\u9fff]/);
      expect(comparisonRows(choice(), study)[1]!.mode).toBe('SyncBN');
      expect(comparisonRows(choice(), study)[0]!.mode).toBe('本地 BN');
    } finally {
      await setLocale('en');
    }
    expect([signedPp(56.4), signedMs(-1.25), signedPct(0)]).toEqual([
      '+56.4 pp',
      '−1.25 ms',
      '±0.0%',
    ]);
    // A simulated model computes a step in a millionth of a millisecond: not spelled out.
    expect([costMs(1.17e-6), costMs(0), costMs(0.629), costMs(15.1)]).toEqual([
      '< 0.001 ms',
      '0 ms',
      '0.629 ms',
      '15.1 ms',
    ]);
  });
});
