import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { LoadedMetrics, RunRecord } from '../../src/store/index.ts';
import { CompareController, loadComparedRuns } from '../../src/ui/app/compare-controller.ts';
import { fakeHost } from './helpers.ts';

const record = (id: string, name: string): RunRecord => ({
  id,
  name,
  config: parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' } }),
  status: 'completed',
  createdAt: 1,
  updatedAt: 2,
  summary: { stepsDone: 3, steps: 3, lastLoss: 0.1, testAcc: 0.9, testLoss: 0.2 },
});

const metricsOf = (step: number): LoadedMetrics => ({
  train: [{ step, loss: 1, acc: 0.5 }],
  eval: [{ step, loss: 1.1, acc: 0.4 }],
  telemetry: null,
});

/** A library with runs a, b (metrics) and c (a record whose metrics are gone). */
const source = {
  getRun: async (id: string) =>
    ({ a: record('a', 'local BN'), b: record('b', 'SyncBN'), c: record('c', 'lost') })[id],
  loadCurves: async (id: string) => (id === 'a' ? metricsOf(1) : id === 'b' ? metricsOf(2) : null),
};

describe('loadComparedRuns', () => {
  it('loads runs in the order asked and leaves out those gone from the library', async () => {
    const runs = await loadComparedRuns(['b', 'missing', 'a', 'c'], source);
    expect(runs.map((r) => [r.id, r.label])).toEqual([
      ['b', 'SyncBN'],
      ['a', 'local BN'],
    ]);
    expect(runs[0]!.train).toEqual(metricsOf(2).train);
    expect(runs[1]!.eval).toEqual(metricsOf(1).eval);
  });
});

describe('CompareController', () => {
  it('holds the compared runs until closed; a deleted run leaves the comparison', async () => {
    const host = fakeHost();
    const compare = new CompareController(host, source);
    expect(compare.runs).toEqual([]);
    await compare.load(['a', 'b']);
    expect(compare.runs.map((r) => r.id)).toEqual(['a', 'b']);
    compare.forget('a');
    expect(compare.runs.map((r) => r.id)).toEqual(['b']);
    compare.close();
    expect(compare.runs).toEqual([]);
    expect(host.updates).toBe(3);
  });
});
