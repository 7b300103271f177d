/**
 * Numerical check of the composed conv gradient (tfjs-conv.ts) against tfjs's own one.
 * How: for each case, x, W and an upstream gradient R are seeded normals; L = Σ conv2d(x, W) ⊙ R,
 * so ∂L/∂out = R. The reference (dx, dW) is tf.grads of L with plain tf.conv2d on the cpu backend
 * (its native Conv2DBackpropInput/Conv2DBackpropFilter kernels); the candidate is tf.grads of the
 * same L through conv2dSameComposedGrad, run on the backend under test (cpu, or wasm — where the
 * native path cannot run at all). We report max |candidate − reference| over every element, and
 * that divided by max |reference|: both sides are float32 sums of up to N·H·W = 25,088 products in
 * different orders, so agreement to ~1e-6 relative is what correct code gives.
 * `npx tsx bench/tfjs-conv-check.ts` prints the table.
 */
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { type TfjsBackendName, useTfjsBackend } from './tfjs-backend.ts';
import { conv2dSameComposedGrad } from './tfjs-conv.ts';

/** Largest relative difference accepted as "same gradient" (see the note above). */
export const CONV_GRAD_REL_TOL = 1e-5;

export interface ConvGradCheckRow {
  case: string;
  backend: TfjsBackendName;
  maxAbsDiffDx: number;
  maxAbsDiffDw: number;
  relDiffDx: number;
  relDiffDw: number;
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

function gradsOf(
  conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  r: tf.Tensor4D,
): GradArrays {
  return tf.tidy(() => {
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r)),
    )([x, w]);
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function seededNormal(shape: number[], seed: number): Float32Array {
  const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
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
    const native = (x: tf.Tensor4D, w: tf.Tensor4D) => tf.conv2d(x, w, 1, 'same');
    const ref = runOn(native, c, outShape, xs, ws, rs);
    await useTfjsBackend(backend);
    const got = runOn(conv2dSameComposedGrad, c, outShape, xs, ws, rs);
    const maxAbsDiffDx = maxAbsDiff(got.dx, ref.dx);
    const maxAbsDiffDw = maxAbsDiff(got.dw, ref.dw);
    rows.push({
      case: c.name,
      backend,
      maxAbsDiffDx,
      maxAbsDiffDw,
      relDiffDx: maxAbsDiffDx / maxAbs(ref.dx),
      relDiffDw: maxAbsDiffDw / maxAbs(ref.dw),
    });
  }
  return rows;
}

function runOn(
  conv: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D,
  c: ConvCase,
  outShape: [number, number, number, number],
  xs: Float32Array,
  ws: Float32Array,
  rs: Float32Array,
): GradArrays {
  const x = tf.tensor4d(xs, c.x);
  const w = tf.tensor4d(ws, c.w);
  const r = tf.tensor4d(rs, outShape);
  const out = gradsOf(conv, x, w, r);
  tf.dispose([x, w, r]);
  return out;
}

function format(rows: ConvGradCheckRow[]): string {
  const lines = rows.map(
    (r) =>
      `${r.backend.padEnd(5)} ${r.case.padEnd(32)} dx ${r.maxAbsDiffDx.toExponential(2)} ` +
      `(rel ${r.relDiffDx.toExponential(2)})  dW ${r.maxAbsDiffDw.toExponential(2)} ` +
      `(rel ${r.relDiffDw.toExponential(2)})`,
  );
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = [...(await checkComposedConvGrad('cpu')), ...(await checkComposedConvGrad('wasm'))];
  console.log('composed conv grad vs tfjs native (cpu), max abs diff (relative to max |ref|):');
  console.log(format(rows));
  const worst = Math.max(...rows.map((r) => Math.max(r.relDiffDx, r.relDiffDw)));
  const ok = worst <= CONV_GRAD_REL_TOL;
  console.log(`${ok ? 'OK' : 'FAIL'}: worst relative diff ${worst.toExponential(2)}`);
  if (!ok) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
