import type { RunConfig } from '../config/schema.ts';

/**
 * A hidden Linear/Conv2d's weight reparametrization: "weight" (Salimans & Kingma, w = g·v/‖v‖) or
 * "spectral" (Miyato et al., W/σ(W) with one power iteration per training forward); null: none.
 */
export type TorchReparam = 'weight' | 'spectral' | null;

/** What every batch-statistic norm (BN, ghost BN, batch renorm) carries. */
interface BatchStatFields {
  readonly name: string;
  readonly features: number;
  /** True after a conv ([N, C, H, W], statistics over N, H, W): BatchNorm2d rather than 1d. */
  readonly spatial: boolean;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
}

/** One layer of the exported network, as train.py builds it (names are the simulator's). */
export type TorchLayer =
  | { readonly kind: 'flatten'; readonly name: string }
  | {
      readonly kind: 'linear';
      readonly name: string;
      readonly in: number;
      readonly out: number;
      readonly bias: boolean;
      readonly reparam: TorchReparam;
    }
  | {
      readonly kind: 'conv';
      readonly name: string;
      readonly in: number;
      readonly out: number;
      readonly kernel: number;
      readonly stride: number;
      readonly padding: number;
      readonly bias: boolean;
      readonly reparam: TorchReparam;
    }
  | {
      readonly kind: 'maxpool';
      readonly name: string;
      readonly kernel: number;
      readonly stride: number;
    }
  | ({ readonly kind: 'batchnorm' } & BatchStatFields)
  | ({
      /** Ghost BN: each rank's batch in consecutive virtual batches of virtualBatch samples. */
      readonly kind: 'ghostbatchnorm';
      readonly virtualBatch: number;
    } & BatchStatFields)
  | ({
      /** Batch Renorm: r, d clipped to bounds that ramp from (1, 0) after warmup steps. */
      readonly kind: 'batchrenorm';
      readonly rmax: number;
      readonly dmax: number;
      readonly warmup: number;
      readonly ramp: number;
    } & BatchStatFields)
  | {
      /** Group and layer norm (LN = one group; on [N, F] it equals PyTorch's LayerNorm(F)). */
      readonly kind: 'groupnorm';
      readonly name: string;
      readonly features: number;
      readonly groups: number;
      readonly eps: number;
      readonly affine: boolean;
    }
  | {
      /** Instance norm: each sample's channel over H × W, no running statistics. */
      readonly kind: 'instancenorm';
      readonly name: string;
      readonly features: number;
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
  /** Parameter names the optimizer's weight decay applies to (the simulator's choice per parameter). */
  readonly decay: readonly string[];
  /** Samples per rank in every step (the first ranks take the remainder). */
  readonly shardSizes: readonly number[];
  /** True when plan.npz holds every step's global batch indices (the data order is identical). */
  readonly exact: boolean;
  /** Test samples per evaluation chunk under evalMode "batch" (the simulator's chunking). */
  readonly evalBatch: number;
}
