import type { Param } from '../layer.ts';
import { Adam, type AdamOptions } from './adam.ts';

/** Adam with decoupled weight decay (Loshchilov & Hutter 2019), as torch.optim.AdamW. */
export class AdamW extends Adam {
  constructor(params: readonly Param[], options: AdamOptions = {}) {
    super(params, options, true);
  }
}
