import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/config/schema.ts';
import { ImportError, type RunRecord, type RunStore } from '../../src/store/index.ts';
import { simulatedSourceOf } from '../../src/store/torch-match.ts';
import { isTorchMetrics, validateTorchMetrics } from '../../src/store/torch-metrics.ts';
import { torchDifference } from '../../src/ui/model/torch-difference.ts';
import { openTestStore, sampleConfig, trainRows } from './helpers.ts';

/*
 * Issue #13, metrics come back: the metrics.json an exported train.py writes is imported as a run
 * "from PyTorch" (checked by a zod schema and the app's config schema first; a bad file is refused
 * with the field named and changes nothing), matched to the simulated run it reproduces by its
 * config, and compared step by step.
 */

/** A metrics file as train.py writes it: the resolved config as JSON, rows, the origin fields. */
function torchFile(config: RunConfig, changes: Record<string, unknown> = {}) {
  const train = trainRows(1, config.steps).map((r) => ({ ...r, loss: r.loss * (1 + 1e-7) }));
  return {
    config: JSON.parse(JSON.stringify(config)),
    train,
    eval: [{ step: config.steps, loss: 0.5, acc: 0.75 }],
    final: { testAcc: 0.75, testLoss: 0.5 },
    warnings: [],
    status: 'completed',
    source: 'pytorch',
    torch: '2.13.0+cpu',
    device: 'cpu',
    backend: 'gloo',
    processes: config.devices,
    nodes: 1,
    finalState: { 'fc1.weight': [0.1, 0.2] },
    ...changes,
  };
}

async function simulatedRun(store: RunStore, config: RunConfig, name: string): Promise<RunRecord> {
  const run = await store.createRun(config, name);
  store.appendMetrics(run.id, {
    train: trainRows(1, config.steps),
    eval: [{ step: config.steps, loss: 0.5, acc: 0.75 }],
  });
  await store.flush();
  return store.updateRun(run.id, { status: 'completed' });
}

async function everything(store: RunStore) {
  const runs = await store.listRuns({ sortBy: 'createdAt' });
  return Promise.all(runs.map(async (run) => ({ run, metrics: await store.loadMetrics(run.id) })));
}

describe('the PyTorch metrics file', () => {
  const config = sampleConfig({ steps: 20, evalEvery: 10, bnSync: 'sync' });

  it('is told apart from a run export by its source', () => {
    expect(isTorchMetrics(torchFile(config))).toBe(true);
    expect(isTorchMetrics({ format: 'syncbn-lab/run' })).toBe(false);
    expect(isTorchMetrics(null)).toBe(false);
  });

  it('is read into a run with its origin, rows and summary', () => {
    const file = validateTorchMetrics(JSON.stringify(torchFile(config)));
    expect(file.config).toEqual(config);
    expect(file.status).toBe('completed');
    expect(file.origin).toMatchObject({
      source: 'pytorch',
      torch: '2.13.0+cpu',
      device: 'cpu',
      backend: 'gloo',
      processes: 2,
      nodes: 1,
    });
    expect(file.summary).toEqual({
      stepsDone: 20,
      steps: 20,
      lastLoss: file.train[19]!.loss,
      testAcc: 0.75,
      testLoss: 0.5,
    });
    expect(file.train).toHaveLength(20);
  });

  it.each([
    ['no source version', { torch: undefined }, /torch: /],
    ['a loss that is text', { train: [{ step: 1, loss: 'low', acc: 0.5 }] }, /train\.0\.loss/],
    ['a status it cannot have', { status: 'running' }, /status/],
    [
      'processes other than the devices',
      { processes: 3 },
      /processes is 3 but config\.devices is 2/,
    ],
    [
      'steps past the run',
      { train: [{ step: 21, loss: 1, acc: 0.5 }] },
      /train\.0\.step is 21, outside the run's steps 1–20/,
    ],
    [
      'steps out of order',
      {
        train: [
          { step: 2, loss: 1, acc: 0.5 },
          { step: 2, loss: 1, acc: 0.5 },
        ],
      },
      /train\.1\.step is 2, not after step 2/,
    ],
  ])('refuses a file with %s, naming the field', (_what, changes, message) => {
    expect(() => validateTorchMetrics(torchFile(config, changes))).toThrow(message);
    expect(() => validateTorchMetrics(torchFile(config, changes))).toThrow(ImportError);
  });

  it('refuses a config the app cannot run, with the config key', () => {
    const file = torchFile(config);
    file.config.devices = 0;
    expect(() => validateTorchMetrics(file)).toThrow(/config is invalid: .*devices/);
  });

  it('refuses text that is not JSON, saying where', () => {
    expect(() => validateTorchMetrics('{"source": "pytorch",')).toThrow(/not valid JSON/);
  });
});

describe('matching a PyTorch run with the simulated run it came from', () => {
  it('finds the run with the same config, even when train.py ran fewer steps or other workers', async () => {
    const { store } = await openTestStore();
    const config = sampleConfig({ steps: 20, evalEvery: 10, bnSync: 'sync', workers: 1 });
    const other = await simulatedRun(store, sampleConfig({ steps: 20, bnSync: 'local' }), 'local');
    const source = await simulatedRun(store, config, 'sync run');
    const runs = await store.listRuns();

    const same = validateTorchMetrics(torchFile(config));
    expect(simulatedSourceOf(same, runs)?.id).toBe(source.id);
    // train.py --steps 12 writes config.steps 12; the CLI's config had 2 workers.
    const shorter = validateTorchMetrics(
      torchFile(sampleConfig({ steps: 12, evalEvery: 10, bnSync: 'sync', workers: 2 }), {
        train: trainRows(1, 12),
      }),
    );
    expect(simulatedSourceOf(shorter, runs)?.id).toBe(source.id);
    // Another seed is another run.
    const seed = validateTorchMetrics(
      torchFile(sampleConfig({ steps: 20, evalEvery: 10, bnSync: 'sync', seed: 99 })),
    );
    expect(simulatedSourceOf(seed, runs)).toBeNull();
    expect(other.id).not.toBe(source.id);
  });

  it('prefers the run with the same steps, then a completed one, then the latest', async () => {
    const { store } = await openTestStore();
    const long = await simulatedRun(store, sampleConfig({ steps: 40, evalEvery: 10 }), 'long');
    const exact = await simulatedRun(store, sampleConfig({ steps: 20, evalEvery: 10 }), 'exact');
    const newer = await store.createRun(sampleConfig({ steps: 20, evalEvery: 10 }), 'stopped');
    await store.updateRun(newer.id, { status: 'stopped' });
    const torch = validateTorchMetrics(torchFile(sampleConfig({ steps: 20, evalEvery: 10 })));
    expect(simulatedSourceOf(torch, await store.listRuns())?.id).toBe(exact.id);
    expect(long.id).not.toBe(exact.id);
  });

  it('is stored as a run from PyTorch, named after its source; the same file twice is refused', async () => {
    const { store } = await openTestStore();
    const config = sampleConfig({ steps: 20, evalEvery: 10, bnSync: 'sync' });
    await simulatedRun(store, config, 'sync run');
    const text = JSON.stringify(torchFile(config));
    const run = await store.importTorchMetrics(text);
    expect(run.name).toBe('sync run · PyTorch');
    expect(run.origin).toMatchObject({ source: 'pytorch', device: 'cpu', processes: 2 });
    expect((await store.getRun(run.id))?.origin?.torch).toBe('2.13.0+cpu');
    expect((await store.loadMetrics(run.id)).train).toHaveLength(20);

    const before = await everything(store);
    await expect(store.importTorchMetrics(text)).rejects.toThrow(
      /already in the library, as “sync run · PyTorch”/,
    );
    await expect(store.importTorchMetrics(torchFile(config, { processes: 5 }))).rejects.toThrow(
      ImportError,
    );
    expect(await everything(store)).toEqual(before);
  });
});

describe('a PyTorch run exported from the library', () => {
  it('stays a run from PyTorch when imported again', async () => {
    const { store } = await openTestStore();
    const config = sampleConfig({ steps: 20, evalEvery: 10 });
    const run = await store.importTorchMetrics(torchFile(config));
    const file = JSON.stringify(await store.exportRun(run.id));
    const { store: other } = await openTestStore();
    const again = await other.importRun(file);
    expect(again.origin).toEqual(run.origin);
    expect((await other.loadMetrics(again.id)).train).toHaveLength(20);
  });
});

describe('the per-step difference', () => {
  it('gives |Δloss| and the relative difference per step, with the largest of each', () => {
    const sim = {
      train: [
        { step: 1, loss: 2, acc: 0 },
        { step: 2, loss: 1, acc: 0 },
        { step: 3, loss: 0.5, acc: 0 },
      ],
      eval: [{ step: 3, loss: 0.6, acc: 0.8 }],
    };
    const torch = {
      train: [
        { step: 1, loss: 2.002, acc: 0 },
        { step: 2, loss: 1.0015, acc: 0 },
        { step: 3, loss: 0.5, acc: 0 },
        { step: 4, loss: 0.4, acc: 0 },
      ],
      eval: [{ step: 3, loss: 0.61, acc: 0.8 }],
    };
    const d = torchDifference(sim, torch);
    expect(d.steps.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(d.steps[0]!.absolute).toBeCloseTo(0.002, 12);
    expect(d.steps[0]!.relative).toBeCloseTo(0.001, 12);
    expect(d.steps[1]!.relative).toBeCloseTo(0.0015, 12);
    expect(d.maxAbsolute).toEqual({ step: 1, value: d.steps[0]!.absolute });
    expect(d.maxRelative).toEqual({ step: 2, value: d.steps[1]!.relative });
    expect(d.unmatched).toBe(1);
    expect(d.evals).toEqual([
      { step: 3, simulatedLoss: 0.6, pytorchLoss: 0.61, simulatedAcc: 0.8, pytorchAcc: 0.8 },
    ]);
  });
});
