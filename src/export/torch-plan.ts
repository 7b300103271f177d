import type { RunConfig } from '../config/schema.ts';

/** One layer of the exported network, as train.py builds it (names are the simulator's). */
export type TorchLayer =
  | { readonly kind: 'flatten'; readonly name: string }
  | {
      readonly kind: 'linear';
      readonly name: string;
      readonly in: number;
      readonly out: number;
      readonly bias: boolean;
    }
  | {
      readonly kind: 'batchnorm';
      readonly name: string;
      readonly features: number;
      readonly eps: number;
      readonly momentum: number | null;
      readonly affine: boolean;
      readonly trackRunningStats: boolean;
    }
  | {
      /** Group and layer norm (LN = one group; on [N, F] it equals PyTorch's LayerNorm(F)). */
      readonly kind: 'groupnorm';
      readonly name: string;
      readonly features: number;
      readonly groups: number;
      readonly eps: number;
      readonly affine: boolean;
    }
  | { readonly kind: 'activation'; readonly name: string; readonly fn: string };

/** What train.py reads from its own header: the run, the network and how the data is dealt. */
export interface TorchPlan {
  /** The resolved run config, exactly as `npm run sim --out` writes it under "config". */
  readonly config: RunConfig;
  /** The run config in input form (what `npm run sim` accepts), for the record. */
  readonly configInput: unknown;
  readonly layers: readonly TorchLayer[];
  /** Samples per rank in every step (the first ranks take the remainder). */
  readonly shardSizes: readonly number[];
  /** True when plan.npz holds every step's global batch indices (the data order is identical). */
  readonly exact: boolean;
  /** Test samples per evaluation chunk under evalMode "batch" (the simulator's chunking). */
  readonly evalBatch: number;
}
