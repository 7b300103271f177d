import type { Param } from '../layer.ts';
import {
  checkParams,
  exportState,
  type FlatRange,
  forEachInRange,
  importState,
  moveSlots,
  type Optimizer,
  type OptimizerState,
  ParamSlots,
} from './optimizer.ts';

export interface AdamOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
  readonly weightDecay?: number;
}

/**
 * Adam and AdamW with PyTorch's semantics (torch.optim.Adam / AdamW, amsgrad off). At step t:
 *   Adam:  g = grad + wd·w                 (L2 decay folded into the gradient)
 *   AdamW: w = w·(1 − lr·wd)               (decoupled decay, before the update)
 *   m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   w −= lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε)
 * Decay applies only where param.decay. Moments accumulate in float32 like PyTorch's.
 */
export class Adam implements Optimizer {
  readonly kind: 'adam' | 'adamw';
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private readonly m: ParamSlots;
  private readonly v: ParamSlots;
  private taken = 0;

  constructor(
    private readonly params: readonly Param[],
    options: AdamOptions = {},
    /** true: AdamW's decoupled weight decay. */
    private readonly decoupled = false,
  ) {
    this.kind = decoupled ? 'adamw' : 'adam';
    checkParams(this.kind, params);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0;
    this.m = new ParamSlots('exp_avg', params);
    this.v = new ParamSlots('exp_avg_sq', params);
  }

  get steps(): number {
    return this.taken;
  }

  get stateVectors(): number {
    return 2;
  }

  moveState(vectors: readonly Float32Array[]): void {
    moveSlots(this.kind, [this.m, this.v], vectors);
  }

  step(lr: number, range?: FlatRange, gradient?: Float32Array): void {
    const t = this.taken + 1;
    const b1 = this.beta1;
    const b2 = this.beta2;
    const eps = this.eps;
    const stepSize = lr / (1 - b1 ** t);
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    forEachInRange(this.params, range, (p, from, to, offset) => {
      const param = this.params[p]!;
      const w = param.value;
      // Indexed by the parameter's own element i: a flat gradient is read from its offset.
      const grad = gradient ? gradient.subarray(offset, offset + w.length) : param.grad;
      const m = this.m.arrays[p]!;
      const v = this.v.arrays[p]!;
      const wd = param.decay ? this.weightDecay : 0;
      const l2 = this.decoupled ? 0 : wd;
      const shrink = this.decoupled ? 1 - lr * wd : 1;
      for (let i = from; i < to; i++) {
        const wi = w[i]! * shrink;
        const g = grad[i]! + l2 * wi;
        const mi = b1 * m[i]! + (1 - b1) * g;
        const vi = b2 * v[i]! + (1 - b2) * g * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = wi - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / bc2Sqrt + eps);
      }
    });
    this.taken = t;
  }

  state(): OptimizerState {
    return exportState(this.kind, this.taken, this.params, [this.m, this.v]);
  }

  loadState(state: OptimizerState): void {
    this.taken = importState(this.kind, state, this.params, [this.m, this.v]);
  }
}
