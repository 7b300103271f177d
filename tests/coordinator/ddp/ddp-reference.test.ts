import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { torchMissing } from '../../helpers/torch.ts';
import { parseConfig, type RunConfig, shardSizes } from '../../../src/config/schema.ts';
import { stepLoss } from '../../../src/workers/gradient-averaging.ts';
import type { DeviceHost } from '../../../src/coordinator/hosts/host.ts';
import { InProcessHost } from '../../../src/coordinator/hosts/in-process.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { createNodeWorkerHost } from '../../../src/platform/node/worker-host.ts';
import { maxAbsDiff } from '../harness.ts';

/*
 * Gradient averaging with unequal shards against two independent references:
 * - fixtures/make_ddp_fixtures.py (numpy, float64, chain rule over the joined batch) wrote
 *   fixtures/ddp-reference.json: 6 SGD steps with momentum and weight decay of a
 *   Linear-BN-ReLU ×2-Linear net on 4 devices, shards 8/8/7/7 and 4/4/3/3, BN local, sync and
 *   group:2, gradientAveraging "ddp" and "global";
 * - fixtures/ddp_torch.py replays the same cases in PyTorch itself: 4 gloo processes, DDP,
 *   autograd, torch.optim.SGD (runs when torch imports).
 * We compute in float32 and the references in float64. After 6 steps that leaves at most 1e-7 on
 * the losses and 2.3e-6 on the parameters (local BN on 3 samples amplifies rounding the most);
 * the other averaging mode is 5.8e-3 or more away on every case, so the tolerances below tell
 * the two apart. (With shards of 2, local BN amplified float32 rounding to 6e-5 on the loss
 * after 6 steps, so the small layout is 14 → 4/4/3/3.)
 */
const LOSS_TOL = 1e-6;
const PARAM_TOL = 2e-5;

interface Expected {
  loss: number[];
  params: number[];
  buffers: number[];
}
interface Case {
  name: string;
  devices: number;
  globalBatch: number;
  bnSync: string;
  runningStats: 'rank0' | 'sync';
  gradientAveraging: 'ddp' | 'global';
  batches: number[][];
  expected: Expected;
}
interface Reference {
  features: number;
  classes: number;
  hidden: number[];
  x: number[];
  y: number[];
  params: { name: string; value: number[] }[];
  optimizer: { lr: number; momentum: number; weightDecay: number };
  cases: Case[];
}

const fixtureDir = join(import.meta.dirname, 'fixtures');
const referencePath = join(fixtureDir, 'ddp-reference.json');
const ref = JSON.parse(readFileSync(referencePath, 'utf8')) as Reference;

const dataset: Dataset = {
  name: 'ddp-fixture',
  x: Float32Array.from(ref.x),
  y: Int32Array.from(ref.y),
  count: ref.y.length,
  sampleShape: [ref.features],
  classes: ref.classes,
};

function configOf(c: Case): RunConfig {
  return parseConfig({
    seed: 1,
    dataset: { name: 'blobs', train: ref.y.length, test: 8, classes: ref.classes },
    model: { preset: 'mlp', hidden: ref.hidden, activation: 'relu', norm: 'batch' },
    devices: c.devices,
    globalBatch: c.globalBatch,
    bnSync: c.bnSync,
    runningStats: c.runningStats,
    gradientAveraging: c.gradientAveraging,
    optimizer: { name: 'sgd', ...ref.optimizer },
    steps: c.batches.length,
  });
}

/** Our engine on the fixture's data, initial parameters and batches (iid shards). */
async function ours(c: Case, where: 'in-process' | { workers: number }): Promise<Expected> {
  const config = configOf(c);
  const data = { train: dataset, test: dataset };
  const host: DeviceHost =
    where === 'in-process'
      ? new InProcessHost(config, data)
      : await createNodeWorkerHost(config, data, where.workers);
  try {
    const start = await host.exportCheckpoint(0);
    const params = Float32Array.from(ref.params.flatMap((p) => p.value));
    expect(params.length).toBe(start.params.length);
    await host.importCheckpoint({ ...start, params });
    const loss: number[] = [];
    for (const [step, batch] of c.batches.entries()) {
      const sizes = shardSizes(batch.length, c.devices);
      const shards = sizes.map((s, k) => {
        const start = sizes.slice(0, k).reduce((a, b) => a + b, 0);
        return Int32Array.from(batch.slice(start, start + s));
      });
      const reports = await host.trainStep(step, shards, batch.length, ref.optimizer.lr, false);
      const devices = reports.flatMap((r) => r.devices).sort((a, b) => a.rank - b.rank);
      loss.push(stepLoss(config.gradientAveraging, devices));
    }
    return {
      loss,
      params: [...(await host.copyParams())],
      buffers: [...(await host.copyBuffers())],
    };
  } finally {
    await host.close();
  }
}

function expectClose(got: Expected, want: Expected, label: string): void {
  expect(maxAbsDiff(got.loss, want.loss), `${label}: loss per step`).toBeLessThan(LOSS_TOL);
  expect(maxAbsDiff(got.params, want.params), `${label}: final parameters`).toBeLessThan(PARAM_TOL);
  expect(maxAbsDiff(got.buffers, want.buffers), `${label}: running statistics`).toBeLessThan(
    PARAM_TOL,
  );
}

/** The same case with the other averaging mode. */
function twin(c: Case): Case {
  const other = ref.cases.find(
    (o) =>
      o.globalBatch === c.globalBatch &&
      o.bnSync === c.bnSync &&
      o.gradientAveraging !== c.gradientAveraging,
  );
  if (!other) throw new Error(`no twin for ${c.name}`);
  return other;
}

describe('gradient averaging with unequal shards matches the numpy reference', () => {
  for (const c of ref.cases) {
    it(c.name, async () => {
      const got = await ours(c, 'in-process');
      expectClose(got, c.expected, c.name);
      // The modes really differ here, by far more than the tolerance.
      expect(maxAbsDiff(got.params, twin(c).expected.params)).toBeGreaterThan(20 * PARAM_TOL);
    });
  }

  it('real worker_threads give the same numbers (sync and group:2, "ddp", 8/8/7/7 on 2 workers)', async () => {
    for (const c of ref.cases.filter(
      (c) => c.gradientAveraging === 'ddp' && c.globalBatch === 30 && c.bnSync !== 'local',
    )) {
      const inProcess = await ours(c, 'in-process');
      const workers = await ours(c, { workers: 2 });
      expect(workers).toEqual(inProcess);
    }
  });
});

describe.skipIf(torchMissing)('PyTorch DDP (gloo, 4 processes) agrees', () => {
  it(torchMissing
    ? 'skipped: python3 cannot import torch'
    : 'every case: torch equals the numpy fixture, and our engine equals torch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ddp-torch-'));
    try {
      const out = join(dir, 'torch.json');
      execFileSync('python3', [join(fixtureDir, 'ddp_torch.py'), referencePath, out], {
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: 600_000,
      });
      const torch = JSON.parse(readFileSync(out, 'utf8')) as {
        cases: (Expected & { name: string })[];
      };
      expect(torch.cases.map((t) => t.name)).toEqual(ref.cases.map((c) => c.name));
      for (const [i, c] of ref.cases.entries()) {
        const t = torch.cases[i]!;
        // Two float64 implementations: equal to rounding.
        expect(maxAbsDiff(t.loss, c.expected.loss), c.name).toBeLessThan(1e-9);
        expect(maxAbsDiff(t.params, c.expected.params), c.name).toBeLessThan(1e-9);
        expect(maxAbsDiff(t.buffers, c.expected.buffers), c.name).toBeLessThan(1e-9);
        expectClose(await ours(c, 'in-process'), t, `${c.name} vs torch`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
