import type { Layer, Param, RunContext } from '../../src/core/layer.ts';
import { Rng } from '../../src/core/rng.ts';
import { type Tensor, tensor } from '../../src/core/tensor.ts';

/**
 * Central-difference gradient checks for layers that compute in float32.
 *
 * Loss: L(x) = Σ r·y(x) with r a fixed random projection (standard normal), so dL/dy = r and
 * every output element contributes with a different weight. L is summed in float64.
 *
 * Numerical derivative: (L(v + ε) − L(v − ε)) / (v₊ − v₋), where v₊ and v₋ are the float32 values
 * actually stored after perturbing (not v ± ε), so rounding the perturbed value costs nothing.
 *
 * Why ε = 1e-2 by default: the layer rounds each output to float32, so L carries noise of about
 * ulp(|y|)·|r|·√(outputs touched by one perturbed value); dividing by 2ε = 2e-2 leaves ~1e-5..5e-5
 * absolute for O(1) activations (a 3×3 conv with 4 output channels touches 36 outputs). The
 * truncation error of a central difference is ε²·f'''/6 ≈ 2e-5·f''' — zero for affine layers
 * (dense, conv, pooling between kinks), small for tanh/sigmoid/BN. A smaller ε makes the float32
 * noise grow as 1/ε; a larger one lets the ε² term and kinks (ReLU at 0, max-pool ties) dominate.
 * Affine layers may pass a larger ε (e.g. 0.1) to shrink the noise at no cost in bias. Callers keep
 * inputs at least 2ε away from kinks.
 *
 * Error measure, per element: |a − n| / max(|a|, |n|, floor) with floor = 1e-2·max|a| over the
 * tensor (and 1e-6 absolute), so an element whose true gradient is ~0 is judged against the
 * tensor's scale rather than against itself; a bug moving any element by 1 % of the tensor's
 * largest gradient still shows up as an error ≥ 1. Default tolerance 1e-2 (1 %); linear layers
 * typically reach ~1e-5.
 */
export interface GradCheckOptions {
  /** Context for every forward/backward (default: training, step 0). */
  ctx?: RunContext;
  /** Perturbation, default 1e-2 (see above). */
  eps?: number;
  /** Only reported, never asserted here; tests compare against it. Default 1e-2. */
  tol?: number;
  /** Seed for the projection r and for sampling checked elements. */
  seed?: number;
  /** Check at most this many elements per tensor (sampled without replacement); default all. */
  maxChecksPerTensor?: number;
  /** Skip the input gradient (e.g. a first layer whose input gradient is not needed). */
  skipInput?: boolean;
}

export interface GradCheckResult {
  maxRelErrInput: number;
  maxRelErrParams: Record<string, number>;
  /** max over the input and all params. */
  maxRelErr: number;
  /** Whether maxRelErr ≤ tol. */
  ok: boolean;
  /** Human-readable worst cases, for assertion messages. */
  summary: string;
}

/** The pair form: anything with a forward and a backward over one input tensor. */
export interface DifferentiableFn {
  forward(x: Tensor): Tensor;
  /** Input gradient for output gradient dy; must also write param grads (overwrite). */
  backward(dy: Tensor): Tensor;
  /** Parameters whose grads to check (perturbed in place through param.value). */
  params?: readonly Param[];
}

const DEFAULT_CTX: RunContext = { mode: 'training', step: 0 };

export function checkLayerGradients(
  layer: Layer,
  input: Tensor,
  opts: GradCheckOptions = {},
): GradCheckResult {
  const ctx = opts.ctx ?? DEFAULT_CTX;
  return checkGradients(
    {
      forward: (x) => layer.forward(x, ctx),
      backward: (dy) => layer.backward(dy, ctx),
      params: layer.params(),
    },
    input,
    opts,
  );
}

export function checkGradients(
  fn: DifferentiableFn,
  input: Tensor,
  opts: GradCheckOptions = {},
): GradCheckResult {
  const eps = opts.eps ?? 1e-2;
  const tol = opts.tol ?? 1e-2;
  const rng = Rng.stream(opts.seed ?? 1234, 'gradcheck');
  // The caller's tensor is perturbed in place; work on a copy so it is left untouched.
  const x = tensor(input.shape, Float32Array.from(input.data));

  const y0 = fn.forward(x);
  const r = rng.fillNormal(new Float32Array(y0.data.length));
  const loss = (): number => projectionLoss(fn.forward(x), r);

  const dy = tensor(y0.shape, Float32Array.from(r));
  const analyticInput = Float32Array.from(fn.backward(dy).data);
  const params = fn.params ?? [];
  const analyticParams = params.map((p) => Float32Array.from(p.grad));

  const parts: string[] = [];
  let maxRelErrInput = 0;
  if (!opts.skipInput) {
    const res = compare(analyticInput, x.data, loss, eps, rng, opts.maxChecksPerTensor);
    maxRelErrInput = res.maxRelErr;
    parts.push(`input: ${res.describe}`);
  }
  const maxRelErrParams: Record<string, number> = {};
  params.forEach((p, i) => {
    const res = compare(analyticParams[i]!, p.value, loss, eps, rng, opts.maxChecksPerTensor);
    maxRelErrParams[p.name] = res.maxRelErr;
    parts.push(`${p.name}: ${res.describe}`);
  });
  // Leave the layer's cached state as after a plain forward at the original point.
  fn.forward(x);

  const maxRelErr = Math.max(maxRelErrInput, ...Object.values(maxRelErrParams));
  return {
    maxRelErrInput,
    maxRelErrParams,
    maxRelErr,
    ok: maxRelErr <= tol,
    summary: parts.join('; '),
  };
}

/** Σ r·y in float64. */
export function projectionLoss(y: Tensor, r: Float32Array): number {
  if (y.data.length !== r.length) {
    throw new Error(`gradcheck: output size changed (${r.length} → ${y.data.length})`);
  }
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i]! * y.data[i]!;
  return s;
}

/**
 * Central-difference derivative of `loss` with respect to values[i], perturbing in place and
 * restoring the exact original bits.
 */
export function numericDerivative(
  values: Float32Array,
  i: number,
  loss: () => number,
  eps = 1e-2,
): number {
  const orig = values[i]!;
  values[i] = orig + eps;
  const vPlus = values[i]!;
  const lPlus = loss();
  values[i] = orig - eps;
  const vMinus = values[i]!;
  const lMinus = loss();
  values[i] = orig;
  return (lPlus - lMinus) / (vPlus - vMinus);
}

interface Comparison {
  maxRelErr: number;
  describe: string;
}

function compare(
  analytic: Float32Array,
  values: Float32Array,
  loss: () => number,
  eps: number,
  rng: Rng,
  maxChecks: number | undefined,
): Comparison {
  if (analytic.length !== values.length) {
    return {
      maxRelErr: Number.POSITIVE_INFINITY,
      describe: `gradient has ${analytic.length} values for ${values.length} entries`,
    };
  }
  const indices = sampleIndices(values.length, maxChecks, rng);
  let scale = 0;
  for (let i = 0; i < analytic.length; i++) scale = Math.max(scale, Math.abs(analytic[i]!));
  const floor = Math.max(1e-2 * scale, 1e-6);
  let worst = 0;
  let worstAt = -1;
  let worstA = 0;
  let worstN = 0;
  for (const i of indices) {
    const n = numericDerivative(values, i, loss, eps);
    const a = analytic[i]!;
    const err = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
    // NaN must fail loudly, so compare with a negated test.
    if (!(err <= worst)) {
      worst = Number.isNaN(err) ? Number.POSITIVE_INFINITY : err;
      worstAt = i;
      worstA = a;
      worstN = n;
    }
  }
  const describe =
    worstAt < 0
      ? `ok (${indices.length} checked)`
      : `max rel err ${worst.toExponential(2)} at [${worstAt}] analytic ${worstA.toExponential(4)} numeric ${worstN.toExponential(4)} (${indices.length} checked)`;
  return { maxRelErr: worst, describe };
}

function sampleIndices(n: number, max: number | undefined, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (max === undefined || max >= n) return all;
  rng.shuffle(all);
  return all.slice(0, max).sort((a, b) => a - b);
}
