/**
 * TensorFlow.js side of the speed benchmark: the same MLP / CNN with training-mode BN, trained
 * with plain SGD on seeded random data, on tfjs's pure-JS 'cpu' backend and its 'wasm' backend.
 * `npx tsx bench/tfjs.ts` measures all four combinations (~35 s on an idle core; more when the
 * machine is busy); `--composed-cpu` adds the cpu CNN with the composed conv gradients.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type TfjsBackendName, useTfjsBackend } from './tfjs-backend.ts';
import { type ConvGradPath, convGradPathFor } from './tfjs-conv.ts';
import { buildCnn, buildMlp, type TfjsModel, type TfjsModelName } from './tfjs-models.ts';

export interface TfjsBenchOptions {
  backend: TfjsBackendName;
  model: TfjsModelName;
  batch: number;
  /** Timed window; at least one step is always timed. */
  seconds: number;
  /** Untimed steps first (kernel set-up, JIT, allocator growth); default 5 (mlp) / 2 (cnn). */
  warmupSteps?: number;
  /** Seed for weights and data; default 1. */
  seed?: number;
  /**
   * CNN conv gradients: 'auto' (default) = tfjs's own kernels where the backend has them (cpu),
   * else the composed ones (wasm). 'composed' on cpu shows what the native dW costs there.
   */
  convGrad?: 'auto' | ConvGradPath;
}

export interface TfjsBenchResult {
  samplesPerSec: number;
  /**
   * Samples per second of this process's CPU time (user + system) over the same window: the
   * machine is shared, and this degrades less when other processes take the cores. tfjs computes
   * on one thread here on both backends, but V8's GC helper threads are counted too (the cpu
   * backend's large allocations make this matter: CPU time can exceed wall time).
   */
  samplesPerCpuSec: number;
  steps: number;
  backend: string;
  simd?: boolean;
  threads?: number;
  /** Loss of the first and last timed step (sanity: finite, and falling on the cycled batches). */
  firstLoss: number;
  lastLoss: number;
  note?: string;
}

const LR = 0.01;
/** Distinct batches cycled through, generated before timing so data creation is not measured. */
const DATA_POOL = 4;
const CLASSES = 10;

interface Batch {
  x: tf.Tensor;
  y: tf.Tensor;
}

function makeBatches(sampleShape: number[], batch: number, seed: number): Batch[] {
  const out: Batch[] = [];
  for (let i = 0; i < DATA_POOL; i++) {
    const x = tf.randomNormal([batch, ...sampleShape], 0, 1, 'float32', seed * 1000 + 2 * i);
    const y = tf.tidy(() =>
      tf.oneHot(tf.randomUniform([batch], 0, CLASSES, 'int32', seed * 1000 + 2 * i + 1), CLASSES),
    );
    out.push({ x, y });
  }
  return out;
}

/**
 * One SGD step, finished: minimize() runs forward + backward + update, and reading the loss back
 * (dataSync) waits for every kernel, so the clock never stops on queued work. minimize() tidies its
 * own intermediates; the returned loss is the only tensor left and is disposed here.
 */
function trainStep(model: TfjsModel, optimizer: tf.Optimizer, batch: Batch): number {
  const cost = optimizer.minimize(() => model.loss(batch.x, batch.y), true, model.variables);
  if (cost === null) throw new Error('minimize returned no cost');
  const value = cost.dataSync()[0];
  cost.dispose();
  if (value === undefined) throw new Error('minimize returned an empty cost');
  return value;
}

export async function benchTfjs(opts: TfjsBenchOptions): Promise<TfjsBenchResult> {
  const info = await useTfjsBackend(opts.backend);
  const seed = opts.seed ?? 1;
  const convGrad =
    opts.convGrad === undefined || opts.convGrad === 'auto'
      ? convGradPathFor(opts.backend)
      : opts.convGrad;
  if (convGrad === 'native' && convGradPathFor(opts.backend) !== 'native') {
    throw new Error(`tfjs backend '${opts.backend}' has no Conv2DBackpropFilter kernel`);
  }
  const model = opts.model === 'mlp' ? buildMlp(seed) : buildCnn(seed, convGrad);
  const batches = makeBatches(model.sampleShape, opts.batch, seed);
  const optimizer = tf.train.sgd(LR);
  try {
    const warmup = opts.warmupSteps ?? (opts.model === 'mlp' ? 5 : 2);
    for (let i = 0; i < warmup; i++) trainStep(model, optimizer, batches[i % DATA_POOL]!);
    const tensorsBefore = tf.memory().numTensors;
    let steps = 0;
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    const budgetMs = opts.seconds * 1000;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    let elapsed = 0;
    while (steps === 0 || elapsed < budgetMs) {
      lastLoss = trainStep(model, optimizer, batches[steps % DATA_POOL]!);
      if (steps === 0) firstLoss = lastLoss;
      steps++;
      elapsed = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpuStart);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const leaked = tf.memory().numTensors - tensorsBefore;
    const notes: string[] = [];
    if (opts.model === 'cnn') {
      const why = opts.backend === 'wasm' ? ' (wasm has no Conv2DBackpropFilter)' : '';
      notes.push(
        convGrad === 'native' ? 'conv grads: tfjs native' : `conv grads: composed as convs${why}`,
      );
    }
    if (leaked !== 0) notes.push(`LEAK: ${leaked} tensors per timed window`);
    return {
      samplesPerSec: (steps * opts.batch) / (elapsed / 1000),
      samplesPerCpuSec: (steps * opts.batch) / cpuSeconds,
      steps,
      backend: info.backend,
      ...(info.simd === undefined ? {} : { simd: info.simd }),
      ...(info.threads === undefined ? {} : { threads: info.threads }),
      firstLoss,
      lastLoss,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    };
  } finally {
    optimizer.dispose();
    tf.dispose(model.variables);
    for (const b of batches) tf.dispose([b.x, b.y]);
  }
}

/**
 * The four measured combinations. The cpu CNN spends ~10 s per step in tfjs's native
 * Conv2DBackpropFilter, so it times a single step after a single warm-up.
 */
export const TFJS_BENCH_PLAN: TfjsBenchOptions[] = [
  { backend: 'wasm', model: 'mlp', batch: 64, seconds: 3 },
  { backend: 'wasm', model: 'cnn', batch: 32, seconds: 4 },
  { backend: 'cpu', model: 'mlp', batch: 64, seconds: 3, warmupSteps: 2 },
  { backend: 'cpu', model: 'cnn', batch: 32, seconds: 0, warmupSteps: 1 },
];

/** `--composed-cpu` adds this: the cpu CNN with the composed conv gradients. */
const CPU_CNN_COMPOSED: TfjsBenchOptions = {
  backend: 'cpu',
  model: 'cnn',
  batch: 32,
  seconds: 3,
  warmupSteps: 1,
  convGrad: 'composed',
};

async function main(): Promise<void> {
  console.log(
    'backend   model  batch  samples/s  per cpu-s  steps  simd  threads  loss first→last  note',
  );
  const plans = process.argv.includes('--composed-cpu')
    ? [...TFJS_BENCH_PLAN, CPU_CNN_COMPOSED]
    : TFJS_BENCH_PLAN;
  for (const plan of plans) {
    const r = await benchTfjs(plan);
    console.log(
      [
        `tfjs-${r.backend}`.padEnd(9),
        plan.model.padEnd(6),
        String(plan.batch).padStart(5),
        r.samplesPerSec.toFixed(1).padStart(10),
        r.samplesPerCpuSec.toFixed(1).padStart(10),
        String(r.steps).padStart(6),
        String(r.simd ?? '-').padStart(5),
        String(r.threads ?? '-').padStart(8),
        `${r.firstLoss.toFixed(3)}→${r.lastLoss.toFixed(3)}`.padStart(16),
        r.note ?? '',
      ].join(' '),
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
