/**
 * Numerical check of the composed conv gradients (tfjs-conv.ts) against tfjs's own ones.
 * How: for each case, x, W and an upstream gradient R are seeded normals; L = Σ conv2d(x, W) ⊙ R,
 * so ∂L/∂out = R. The reference (dx, dW) is tf.grads of L with plain tf.conv2d on the cpu backend
 * (its native Conv2DBackpropInput/Conv2DBackpropFilter kernels); the candidates are tf.grads of the
 * same L through conv2dSame(…, 'composed') — with x as a gradient input, and with x as data (dW
 * only) — run on the backend under test (cpu, or wasm, where the native dW cannot run at all).
 * We report max |candidate − reference| over every element, and that over max |reference|. Each
 * dW entry is a float32 sum of N·H·W products (25,088 for conv1) taken in a different order by each
 * side; order-dependent rounding grows like ε₃₂·√(N·H·W), so the bar is 4·ε₃₂·√(N·H·W) relative
 * (7.5e-5 for conv1, observed ≤ 5e-6); a wrong index or padding gives O(1).
 * `npx tsx bench/tfjs-conv-check.ts` prints the table (~20 s: the cpu reference is slow).
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type TfjsBackendName, useTfjsBackend } from './tfjs-backend.ts';
import { conv2dSame } from './tfjs-conv.ts';

/** Largest relative difference accepted as "same gradient" for a case (see the note above). */
export function convGradRelTol(x: readonly number[]): number {
  const [n = Number.NaN, c = Number.NaN, h = Number.NaN] = x;
  return 4 * 2 ** -23 * Math.sqrt(n * c * h);
}

export interface ConvGradCheckRow {
  case: string;
  backend: TfjsBackendName;
  maxAbsDiffDx: number;
  maxAbsDiffDw: number;
  /** dW when x is data (filter-only gradient node). */
  maxAbsDiffDwDataInput: number;
  relDiffDx: number;
  relDiffDw: number;
  relDiffDwDataInput: number;
  relTol: number;
}

interface ConvCase {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
}

const CASES: ConvCase[] = [
  { name: 'odd 2×5×7×3 * 3×3×3→4', x: [2, 5, 7, 3], w: [3, 3, 3, 4] },
  { name: 'even kernel 2×6×5×2 * 2×4×2→3', x: [2, 6, 5, 2], w: [2, 4, 2, 3] },
  { name: 'cnn conv1 32×28×28×1 → 16', x: [32, 28, 28, 1], w: [3, 3, 1, 16] },
  { name: 'cnn conv2 32×14×14×16 → 32', x: [32, 14, 14, 16], w: [3, 3, 16, 32] },
];

interface GradArrays {
  dx: Float32Array;
  dw: Float32Array;
}

type Conv = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;

function gradsOf(conv: Conv, x: tf.Tensor4D, w: tf.Tensor4D, r: tf.Tensor4D): GradArrays {
  return tf.tidy(() => {
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    )([x, w]);
    if (!dx || !dw) throw new Error('tf.grads returned fewer than the 2 gradients asked for');
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function filterGradOf(conv: Conv, x: tf.Tensor4D, w: tf.Tensor4D, r: tf.Tensor4D): Float32Array {
  return tf.tidy(
    () =>
      tf
        .grad((b: tf.Tensor) => tf.sum(tf.mul(conv(x, b as tf.Tensor4D), r)))(w)
        .dataSync() as Float32Array,
  );
}

const nativeConv: Conv = (x, w) => tf.conv2d(x, w, 1, 'same');
const composedConv: Conv = (x, w) => conv2dSame(x, w, 'composed');
const composedConvDataInput: Conv = (x, w) => conv2dSame(x, w, 'composed', true);

function seededNormal(shape: number[], seed: number): Float32Array {
  const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export async function checkComposedConvGrad(backend: TfjsBackendName): Promise<ConvGradCheckRow[]> {
  const rows: ConvGradCheckRow[] = [];
  for (const [i, c] of CASES.entries()) {
    await useTfjsBackend('cpu');
    const outShape: [number, number, number, number] = [c.x[0], c.x[1], c.x[2], c.w[3]];
    const xs = seededNormal(c.x, 100 + i);
    const ws = seededNormal(c.w, 200 + i);
    const rs = seededNormal(outShape, 300 + i);
    const ref = runOn(c, outShape, xs, ws, rs, (x, w, r) => gradsOf(nativeConv, x, w, r));
    await useTfjsBackend(backend);
    const got = runOn(c, outShape, xs, ws, rs, (x, w, r) => gradsOf(composedConv, x, w, r));
    const dwData = runOn(c, outShape, xs, ws, rs, (x, w, r) =>
      filterGradOf(composedConvDataInput, x, w, r),
    );
    const maxAbsDiffDx = maxAbsDiff(got.dx, ref.dx);
    const maxAbsDiffDw = maxAbsDiff(got.dw, ref.dw);
    const maxAbsDiffDwDataInput = maxAbsDiff(dwData, ref.dw);
    rows.push({
      case: c.name,
      backend,
      maxAbsDiffDx,
      maxAbsDiffDw,
      maxAbsDiffDwDataInput,
      relDiffDx: maxAbsDiffDx / maxAbs(ref.dx),
      relDiffDw: maxAbsDiffDw / maxAbs(ref.dw),
      relDiffDwDataInput: maxAbsDiffDwDataInput / maxAbs(ref.dw),
      relTol: convGradRelTol(c.x),
    });
  }
  return rows;
}

/** Uploads the inputs to the active backend, runs `f`, frees them. */
function runOn<T>(
  c: ConvCase,
  outShape: [number, number, number, number],
  xs: Float32Array,
  ws: Float32Array,
  rs: Float32Array,
  f: (x: tf.Tensor4D, w: tf.Tensor4D, r: tf.Tensor4D) => T,
): T {
  const x = tf.tensor4d(xs, c.x);
  const w = tf.tensor4d(ws, c.w);
  const r = tf.tensor4d(rs, outShape);
  const out = f(x, w, r);
  tf.dispose([x, w, r]);
  return out;
}

function passes(r: ConvGradCheckRow): boolean {
  return Math.max(r.relDiffDx, r.relDiffDw, r.relDiffDwDataInput) <= r.relTol;
}

function format(rows: ConvGradCheckRow[]): string {
  const lines = rows.map(
    (r) =>
      `${r.backend.padEnd(5)} ${r.case.padEnd(32)} dx ${r.maxAbsDiffDx.toExponential(2)} ` +
      `(rel ${r.relDiffDx.toExponential(2)})  dW ${r.maxAbsDiffDw.toExponential(2)} ` +
      `(rel ${r.relDiffDw.toExponential(2)})  dW|x data ${r.maxAbsDiffDwDataInput.toExponential(2)} ` +
      `(rel ${r.relDiffDwDataInput.toExponential(2)})  tol ${r.relTol.toExponential(1)} ` +
      (passes(r) ? 'ok' : 'FAIL'),
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = [...(await checkComposedConvGrad('cpu')), ...(await checkComposedConvGrad('wasm'))];
  console.log('composed conv grad vs tfjs native (cpu), max abs diff (relative to max |ref|):');
  console.log(format(rows));
  const ok = rows.every(passes);
  console.log(ok ? 'OK: composed gradients match' : 'FAIL: composed gradients differ');
  if (!ok) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
