/**
 * Our side of the speed benchmark: the same MLP / CNN as bench/tfjs.ts (He-normal weights, biased
 * dense/conv, training-mode BatchNorm, softmax cross-entropy, plain SGD at lr 0.01, four seeded
 * random batches cycled), built from src/core layers and driven through Sequential passes.
 * `npx tsx bench/ours.ts` prints GEMM GFLOP/s at the models' shapes and step samples/s.
 */
import { pathToFileURL } from 'node:url';
import type { Layer, RunContext } from '../src/core/layer.ts';
import {
  type GemmBackend,
  gemmBackend,
  matmul,
  matmulNT,
  matmulTN,
  setGemmBackend,
} from '../src/core/kernels/gemm.ts';
import { Activation } from '../src/core/layers/activations.ts';
import { Conv2d } from '../src/core/layers/conv2d.ts';
import { Dense } from '../src/core/layers/dense.ts';
import { Flatten } from '../src/core/layers/flatten.ts';
import { MaxPool2d } from '../src/core/layers/maxpool2d.ts';
import { softmaxCrossEntropy } from '../src/core/loss.ts';
import { Sequential } from '../src/core/model/sequential.ts';
import { runPass } from '../src/core/model/sync.ts';
import { BatchNorm } from '../src/core/norm/batch-norm.ts';
import { Sgd } from '../src/core/optim/sgd.ts';
import { Rng } from '../src/core/rng.ts';
import { type Tensor, TensorSlot, tensor } from '../src/core/tensor.ts';

export type OursModelName = 'mlp' | 'cnn';

export interface OursBenchOptions {
  model: OursModelName;
  batch: number;
  /** Timed window; at least one step is always timed. */
  seconds: number;
  /** Untimed steps first (JIT tier-up, buffer growth); default 5 (mlp) / 2 (cnn), as bench/tfjs.ts. */
  warmupSteps?: number;
  seed?: number;
  /** 'none' leaves BatchNorm out (to time our own layers alone). Default 'batch'. */
  norm?: 'batch' | 'none';
  /** Default: the best available ('wasm-simd' in Node and browsers). */
  gemm?: GemmBackend;
}

export interface OursBenchResult {
  samplesPerSec: number;
  steps: number;
  gemm: GemmBackend;
  norm: 'batch' | 'none';
  /** Loss of the first and last timed step (sanity: finite, ≈ ln 10 at the start). */
  firstLoss: number;
  lastLoss: number;
}

const LR = 0.01;
const DATA_POOL = 4;
const CLASSES = 10;
const ctx: RunContext = { mode: 'training', step: 0 };

/** 784-256-BN-ReLU-256-BN-ReLU-10, or the same without BN. */
export function buildOursMlp(seed: number, norm: 'batch' | 'none'): Sequential {
  const rng = Rng.stream(seed, 'bench-init');
  const layers: Layer[] = [];
  let inF = 784;
  for (const [i, width] of [256, 256].entries()) {
    layers.push(
      new Dense({
        name: `fc${i + 1}`,
        inFeatures: inF,
        outFeatures: width,
        rng,
        init: 'he',
        inputGradient: i > 0,
      }),
    );
    if (norm === 'batch') layers.push(new BatchNorm({ name: `bn${i + 1}`, channels: width }));
    layers.push(new Activation({ name: `relu${i + 1}`, fn: 'relu' }));
    inF = width;
  }
  layers.push(new Dense({ name: 'out', inFeatures: inF, outFeatures: CLASSES, rng, init: 'he' }));
  return new Sequential(layers, [784]);
}

/** conv3×3(1→16, pad 1)-BN-ReLU-maxpool2, conv3×3(16→32, pad 1)-BN-ReLU-maxpool2, Dense(32·7·7→10). */
export function buildOursCnn(seed: number, norm: 'batch' | 'none'): Sequential {
  const rng = Rng.stream(seed, 'bench-init');
  const layers: Layer[] = [];
  let inC = 1;
  for (const [i, outC] of [16, 32].entries()) {
    layers.push(
      new Conv2d({
        name: `conv${i + 1}`,
        inChannels: inC,
        outChannels: outC,
        kernel: 3,
        padding: 1,
        rng,
        init: 'he',
        inputGradient: i > 0,
      }),
    );
    if (norm === 'batch') layers.push(new BatchNorm({ name: `bn${i + 1}`, channels: outC }));
    layers.push(new Activation({ name: `relu${i + 1}`, fn: 'relu' }));
    layers.push(new MaxPool2d({ name: `pool${i + 1}`, kernel: 2 }));
    inC = outC;
  }
  layers.push(new Flatten({ name: 'flatten' }));
  layers.push(
    new Dense({ name: 'out', inFeatures: 32 * 7 * 7, outFeatures: CLASSES, rng, init: 'he' }),
  );
  return new Sequential(layers, [1, 28, 28]);
}

interface Batch {
  x: Tensor;
  labels: Int32Array;
}

function makeBatches(sampleShape: readonly number[], batch: number, seed: number): Batch[] {
  const rng = Rng.stream(seed, 'bench-data');
  const size = sampleShape.reduce((a, b) => a * b, 1);
  return Array.from({ length: DATA_POOL }, () => ({
    x: tensor([batch, ...sampleShape], rng.fillNormal(new Float32Array(batch * size))),
    labels: Int32Array.from({ length: batch }, () => rng.int(CLASSES)),
  }));
}

/** One training step: forward, loss, backward, SGD update. Returns the mean loss. */
function makeStep(model: Sequential): (b: Batch) => number {
  const optimizer = new Sgd(model.params());
  const gradSlot = new TensorSlot();
  return (b) => {
    const logits = runPass(model.forward(b.x, ctx));
    const n = b.labels.length;
    const { lossSum, grad } = softmaxCrossEntropy(logits, b.labels, n, gradSlot);
    runPass(model.backward(grad, ctx));
    optimizer.step(LR);
    return lossSum / n;
  };
}

export function benchOurs(opts: OursBenchOptions): OursBenchResult {
  const prev = gemmBackend();
  if (opts.gemm) setGemmBackend(opts.gemm);
  try {
    const seed = opts.seed ?? 1;
    const norm = opts.norm ?? 'batch';
    const model = opts.model === 'mlp' ? buildOursMlp(seed, norm) : buildOursCnn(seed, norm);
    const batches = makeBatches(model.inputShape, opts.batch, seed);
    const step = makeStep(model);
    const warmup = opts.warmupSteps ?? (opts.model === 'mlp' ? 5 : 2);
    for (let i = 0; i < warmup; i++) step(batches[i % DATA_POOL]!);
    let steps = 0;
    let firstLoss = Number.NaN;
    let lastLoss = Number.NaN;
    const budgetMs = opts.seconds * 1000;
    const start = performance.now();
    let elapsed = 0;
    while (steps === 0 || elapsed < budgetMs) {
      lastLoss = step(batches[steps % DATA_POOL]!);
      if (steps === 0) firstLoss = lastLoss;
      steps++;
      elapsed = performance.now() - start;
    }
    return {
      samplesPerSec: (steps * opts.batch) / (elapsed / 1000),
      steps,
      gemm: gemmBackend(),
      norm,
      firstLoss,
      lastLoss,
    };
  } finally {
    setGemmBackend(prev);
  }
}

export interface GemmShape {
  label: string;
  variant: 'NN' | 'TN' | 'NT';
  m: number;
  n: number;
  k: number;
}

/** The products one MLP / CNN training step performs (batch 64 / 32). */
export const GEMM_SHAPES: GemmShape[] = [
  { label: 'mlp fc1 forward  X·Wᵀ', variant: 'NT', m: 64, n: 256, k: 784 },
  { label: 'mlp fc1 dW       dYᵀ·X', variant: 'TN', m: 256, n: 784, k: 64 },
  { label: 'mlp fc2 dX       dY·W', variant: 'NN', m: 64, n: 256, k: 256 },
  { label: 'cnn conv2 forward W·col', variant: 'NN', m: 32, n: 32 * 196, k: 144 },
  { label: 'cnn conv2 dW     dY·colᵀ', variant: 'NT', m: 32, n: 144, k: 32 * 196 },
  { label: 'cnn conv2 dcol   Wᵀ·dY', variant: 'TN', m: 144, n: 32 * 196, k: 32 },
];

/** GFLOP/s (2·m·n·k per product) over a ~`seconds` window after a short warm-up. */
export function benchGemm(shape: GemmShape, seconds: number, backend?: GemmBackend): number {
  const prev = gemmBackend();
  if (backend) setGemmBackend(backend);
  try {
    const { m, n, k } = shape;
    const rng = Rng.stream(1, 'bench-gemm');
    const a = rng.fillUniform(new Float32Array(m * k), -1, 1);
    const b = rng.fillUniform(new Float32Array(k * n), -1, 1);
    const c = new Float32Array(m * n);
    const fn = shape.variant === 'NN' ? matmul : shape.variant === 'TN' ? matmulTN : matmulNT;
    for (let i = 0; i < 3; i++) fn(c, a, b, m, n, k);
    let reps = 0;
    const start = performance.now();
    let elapsed = 0;
    while (reps === 0 || elapsed < seconds * 1000) {
      fn(c, a, b, m, n, k);
      reps++;
      elapsed = performance.now() - start;
    }
    return (2 * m * n * k * reps) / (elapsed / 1000) / 1e9;
  } finally {
    setGemmBackend(prev);
  }
}

/** Main plan: the targets' configurations, then the same without BN (our layers alone). */
export const OURS_BENCH_PLAN: OursBenchOptions[] = [
  { model: 'mlp', batch: 64, seconds: 4 },
  { model: 'cnn', batch: 32, seconds: 5 },
  { model: 'mlp', batch: 64, seconds: 2, norm: 'none' },
  { model: 'cnn', batch: 32, seconds: 2, norm: 'none' },
];

function main(): void {
  const withJs = process.argv.includes('--js');
  const backends: GemmBackend[] = withJs ? [gemmBackend(), 'js'] : [gemmBackend()];
  console.log(`GEMM (GFLOP/s)                        shape (m×n×k)      ${backends.join('  ')}`);
  for (const s of GEMM_SHAPES) {
    const rates = backends.map((be) => benchGemm(s, 0.5, be).toFixed(2).padStart(9));
    console.log(
      `${s.variant} ${s.label.padEnd(34)} ${`${s.m}×${s.n}×${s.k}`.padEnd(15)} ${rates.join(' ')}`,
    );
  }
  console.log('\nours     model  batch  norm   samples/s   steps  loss first→last');
  const plans = withJs
    ? [
        ...OURS_BENCH_PLAN,
        ...OURS_BENCH_PLAN.slice(0, 2).map((p) => ({ ...p, gemm: 'js' as const })),
      ]
    : OURS_BENCH_PLAN;
  for (const plan of plans) {
    const r = benchOurs(plan);
    console.log(
      [
        r.gemm.padEnd(9),
        plan.model.padEnd(6),
        String(plan.batch).padStart(5),
        r.norm.padStart(5),
        r.samplesPerSec.toFixed(1).padStart(11),
        String(r.steps).padStart(7),
        `${r.firstLoss.toFixed(3)}→${r.lastLoss.toFixed(3)}`.padStart(16),
      ].join(' '),
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
