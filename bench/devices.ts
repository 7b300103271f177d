/**
 * `npm run bench -- devices`: what simulating K devices costs at a fixed global batch (32), for the
 * MNIST MLP 784-256-BN-ReLU-256-BN-ReLU-10 and the CNN (conv 16, conv 32, BN, 28×28), local and
 * synchronized BN, on W = 1 and W = 2 real workers; beside it PyTorch (when `torch` imports) running
 * the same models single-device and as a loop over K shards with local BN and averaged gradients
 * (`bench/torch_devices.py`, torch.set_num_threads(W)). Prints issue #15's targets with pass/miss.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseConfig, type RunConfigInput } from '../src/config/schema.ts';
import { train } from '../src/coordinator/trainer.ts';
import { makeDataset } from '../src/data/make-dataset.ts';
import { loadMnistNode } from '../src/platform/node/mnist.ts';
import { createNodeWorkerHost } from '../src/platform/node/worker-host.ts';
import type { Target } from './targets.ts';

export const DEVICE_COUNTS = [1, 4, 8, 16, 32] as const;
const GLOBAL_BATCH = 32;
const WORKERS = [1, 2] as const;
const SYNCS = ['local', 'sync'] as const;
type Model = 'mlp' | 'cnn';

const runOf = (model: Model, devices: number, bnSync: string, batch = GLOBAL_BATCH) =>
  ({
    seed: 1,
    dataset: { name: 'mnist', train: 4000, test: 100 },
    model:
      model === 'mlp'
        ? { preset: 'mlp', hidden: [256, 256], norm: 'batch' }
        : { preset: 'cnn', channels: [16, 32], norm: 'batch' },
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
    devices,
    globalBatch: batch,
    bnSync,
    steps: model === 'mlp' ? 120 : 60,
    evalEvery: 1000,
    checksumEvery: 1000,
    telemetryEvery: 1000,
  }) satisfies RunConfigInput as RunConfigInput;

interface TorchFigures {
  version: string;
  /** ms per step by `${model} ${k} ${threads}`. */
  ms: Map<string, number>;
}

/** PyTorch's figures, or the one-line reason they are missing. */
function torchFigures(models: readonly Model[]): TorchFigures | string {
  const probe = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const why = (probe.stderr || probe.error?.message || 'python3 failed').trim().split('\n').pop();
    return `PyTorch skipped: python3 -c "import torch" failed (${why})`;
  }
  const script = fileURLToPath(new URL('./torch_devices.py', import.meta.url));
  const r = spawnSync(
    'python3',
    [script, '--models', models.join(','), '--ks', DEVICE_COUNTS.join(','), '--threads', '1,2'],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  if (r.status !== 0) return `PyTorch skipped: bench/torch_devices.py failed: ${r.stderr.trim()}`;
  const out = JSON.parse(r.stdout) as {
    torch: string;
    results: { model: Model; k: number; threads: number; ms: number }[];
  };
  return {
    version: out.torch,
    ms: new Map(out.results.map((x) => [`${x.model} ${x.k} ${x.threads}`, x.ms])),
  };
}

const WINDOW = 10;
const WARMUP = 5;

/**
 * Milliseconds per step of a run on `workers` real workers: the fastest window of WINDOW
 * consecutive steps after warm-up (the last step, which also evaluates, excluded). On a machine
 * shared with other jobs, a window where they held the cores says nothing about our code.
 */
export async function stepTime(
  input: RunConfigInput,
  workers: number,
): Promise<{ msPerStep: number }> {
  const config = parseConfig(input);
  const data = makeDataset(config.dataset, config.seed, await loadMnistNode());
  const host = await createNodeWorkerHost(config, data, workers);
  const at: number[] = [];
  try {
    await train(config, data, host, {
      onProgress: ({ step }) => {
        if (step >= WARMUP && step < config.steps) at.push(performance.now());
      },
    });
  } finally {
    await host.close();
  }
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i + WINDOW < at.length; i++)
    best = Math.min(best, (at[i + WINDOW]! - at[i]!) / WINDOW);
  return { msPerStep: best };
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '—' : ms.toFixed(2));

export async function benchDevices(
  print: (line: string) => void,
  targets: Target[],
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const ours = new Map<string, number>();
  for (const model of ['mlp', 'cnn'] as const) {
    // PyTorch first, then ours, per model: both see about the same machine load.
    const torch = torchFigures([model]);
    if (typeof torch === 'string') print(torch);
    for (const k of DEVICE_COUNTS) {
      for (const bnSync of SYNCS) {
        for (const w of WORKERS) {
          if (w > k) continue;
          // The config rules refuse local BN over one sample per device (32 × 1): skip it.
          if (bnSync === 'local' && GLOBAL_BATCH / k < 2) continue;
          const { msPerStep } = await stepTime(runOf(model, k, bnSync), w);
          ours.set(`${model} ${k} ${bnSync} ${w}`, msPerStep);
          figures[`devices ${model} K=${k} ${bnSync} W=${w} ms`] = msPerStep;
        }
      }
    }
    const name =
      model === 'mlp' ? 'MLP 784-256-256-10 (BN)' : 'CNN conv16-BN-pool conv32-BN-pool fc10';
    print(`${name}, global batch ${GLOBAL_BATCH}: ms per step`);
    print(
      '  K × b   | local W=1 | sync W=1 | local W=2 | sync W=2 | torch 1 thr | torch 2 thr | torch/ours W=1 (local) | torch/ours W=2 (local)',
    );
    for (const k of DEVICE_COUNTS) {
      const get = (s: string, w: number) => ours.get(`${model} ${k} ${s} ${w}`);
      const t1 = typeof torch === 'string' ? undefined : torch.ms.get(`${model} ${k} 1`);
      const t2 = typeof torch === 'string' ? undefined : torch.ms.get(`${model} ${k} 2`);
      if (t1 !== undefined) figures[`devices ${model} K=${k} torch 1 thread ms`] = t1;
      if (t2 !== undefined) figures[`devices ${model} K=${k} torch 2 threads ms`] = t2;
      const ratio = (t: number | undefined, o: number | undefined) =>
        t === undefined || o === undefined ? '—' : `${(t / o).toFixed(2)}×`;
      print(
        `  ${`${k} × ${GLOBAL_BATCH / k}`.padEnd(7)} | ${fmt(get('local', 1)).padStart(9)} | ${fmt(get('sync', 1)).padStart(8)} | ${fmt(get('local', 2)).padStart(9)} | ${fmt(get('sync', 2)).padStart(8)} | ${fmt(t1).padStart(11)} | ${fmt(t2).padStart(11)} | ${ratio(t1, get('local', 1)).padStart(22)} | ${ratio(t2, get('local', 2) ?? get('local', 1)).padStart(22)}`,
      );
    }
    if (typeof torch !== 'string') print(`  (PyTorch ${torch.version}, CPU)`);
    print('  (local BN at 32 × 1 would normalize single samples: not run)');
    const at = (k: number, s: string, w: number) => ours.get(`${model} ${k} ${s} ${w}`)!;
    if (model === 'mlp') {
      const r = at(16, 'sync', 1) / at(1, 'sync', 1);
      targets.push({
        name: 'MLP 16 × 2 step / 1 × 32 step (sync, W=1)',
        value: r,
        text: `${at(16, 'sync', 1).toFixed(2)} / ${at(1, 'sync', 1).toFixed(2)} ms = ${r.toFixed(2)}×`,
        target: '≤ 1.5',
        met: r <= 1.5,
      });
      if (typeof torch !== 'string') {
        for (const w of WORKERS) {
          const t = torch.ms.get(`mlp 4 ${w}`)!;
          const o = at(4, 'local', w);
          targets.push({
            name: `MLP 4 × 8 throughput / PyTorch shard loop (local BN, W=${w} vs ${w} thread${w > 1 ? 's' : ''})`,
            value: t / o,
            text: `${(1000 / o).toFixed(0)} vs ${(1000 / t).toFixed(0)} steps/s = ${(t / o).toFixed(2)}×`,
            target: '≥ 1',
            met: t / o >= 1,
          });
        }
      }
    } else if (typeof torch !== 'string') {
      const t = torch.ms.get('cnn 1 1')!;
      const o = at(1, 'sync', 1);
      targets.push({
        name: 'CNN throughput / PyTorch single thread (1 × 32, W=1)',
        value: t / o,
        text: `${((GLOBAL_BATCH * 1000) / o).toFixed(0)} vs ${((GLOBAL_BATCH * 1000) / t).toFixed(0)} samples/s = ${(t / o).toFixed(2)}×`,
        target: '≥ 0.6',
        met: t / o >= 0.6,
      });
    }
  }
  // W=2 over W=1 at 4 × 32 (sync): alternate, and keep each one's best of three runs.
  let w1 = Number.POSITIVE_INFINITY;
  let w2 = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    w1 = Math.min(w1, (await stepTime(runOf('mlp', 4, 'sync', 128), 1)).msPerStep);
    w2 = Math.min(w2, (await stepTime(runOf('mlp', 4, 'sync', 128), 2)).msPerStep);
  }
  figures['devices mlp 4x32 sync W=1 ms'] = w1;
  figures['devices mlp 4x32 sync W=2 ms'] = w2;
  print(
    `MLP 4 × 32 sync: W=1 ${w1.toFixed(2)} ms/step, W=2 ${w2.toFixed(2)} ms/step (best of 3, alternating)`,
  );
  targets.push({
    name: 'MLP 4 × 32 sync throughput W=2 / W=1',
    value: w1 / w2,
    text: `${((128 * 1000) / w2).toFixed(0)} / ${((128 * 1000) / w1).toFixed(0)} samples/s = ${(w1 / w2).toFixed(2)}×`,
    target: '≥ 1.85',
    met: w1 / w2 >= 1.85,
  });
  return figures;
}
