import type { Param } from '../layer.ts';
import {
  checkParams,
  exportState,
  type FlatRange,
  forEachInRange,
  gradientOf,
  importState,
  moveSlots,
  type Optimizer,
  type OptimizerState,
  ParamSlots,
} from './optimizer.ts';
import { sgdUpdate } from './sgd-update.ts';

export interface SgdOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
  readonly weightDecay?: number;
}

/**
 * SGD with PyTorch's semantics (torch.optim.SGD, dampening 0):
 *   g = grad + wd·w            (L2 decay, only where param.decay)
 *   buf = μ·buf + g            (buf starts at 0, so the first step sets buf = g as PyTorch does)
 *   d = nesterov ? g + μ·buf : buf
 *   w −= lr·d
 */
export class Sgd implements Optimizer {
  readonly kind = 'sgd';
  private readonly momentum: number;
  private readonly nesterov: boolean;
  private readonly weightDecay: number;
  private readonly slots: ParamSlots[];
  private taken = 0;

  constructor(
    private readonly params: readonly Param[],
    options: SgdOptions = {},
  ) {
    checkParams('sgd', params);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (this.nesterov && this.momentum <= 0) {
      throw new Error('sgd: Nesterov momentum needs momentum > 0');
    }
    this.slots = this.momentum > 0 ? [new ParamSlots('momentum', params)] : [];
  }

  get steps(): number {
    return this.taken;
  }

  get stateVectors(): number {
    return this.slots.length;
  }

  moveState(vectors: readonly Float32Array[]): void {
    moveSlots(this.kind, this.slots, vectors);
  }

  step(lr: number, range?: FlatRange, gradient?: Float32Array): void {
    const bufs = this.slots[0]?.arrays;
    const { params, momentum, nesterov } = this;
    forEachInRange(params, range, (p, a, b, offset) => {
      const param = params[p]!;
      const wd = param.decay ? this.weightDecay : 0;
      const whole = a === 0 && b === param.value.length;
      const part = (x: Float32Array) => (whole ? x : x.subarray(a, b));
      const buf = bufs?.[p];
      const grad = gradientOf(param, a, b, offset, gradient);
      sgdUpdate(part(param.value), grad, buf ? part(buf) : null, lr, momentum, wd, nesterov);
    });
    this.taken++;
  }

  state(): OptimizerState {
    return exportState(this.kind, this.taken, this.params, this.slots);
  }

  loadState(state: OptimizerState): void {
    this.taken = importState(this.kind, state, this.params, this.slots);
  }
}
