import {
  type AllReduceAlgorithm,
  allReduceUs,
  type Fabric,
  placeGroup,
  ringAllGatherUs,
} from './alpha-beta.ts';
import type { ModelSpec } from './model-spec.ts';
import type { PlannedCollective } from './step-collectives.ts';

/**
 * One training step's time on the slowest rank, from compute time T and the planned collectives.
 * The timeline (every rank identical, no stragglers):
 *
 *   forward  = T_f + Σ t(BN all_gather)     T_f = T/3: each all_gather blocks the next layer
 *   backward = T_b + Σ t(BN all_reduce)     T_b = 2T/3: each blocks the layer below it
 *   gradient buckets run on their own stream, one after another: bucket i starts at
 *     max(ready_i, end_{i−1}), where ready_i is when backward has passed the bucket's earliest
 *     layer (backward compute of a layer ∝ its forward MACs, or ∝ its parameters if the model
 *     has no MACs; BN all_reduces met on the way delay it too).
 *   step = max(forward + backward, end of the last bucket)
 *
 * Assumed: buckets never slow compute or the BN collectives (no contention for links or SMs), and
 * the optimizer step and data loading are part of T.
 */
export interface StepTimes {
  readonly stepMs: number;
  readonly computeMs: number;
  readonly bnForwardMs: number;
  readonly bnBackwardMs: number;
  /** Gradient communication not hidden behind backward. */
  readonly exposedGradientMs: number;
  /** All gradient communication, hidden or not. */
  readonly gradientMs: number;
}

export function collectiveUs(
  c: PlannedCollective,
  gpusPerNode: number,
  fabric: Fabric,
  algorithm: AllReduceAlgorithm,
  bytesPerValue: number,
): number {
  const placement = placeGroup(c.ranks, gpusPerNode);
  const bytes = c.values * bytesPerValue;
  return c.op === 'all_gather'
    ? ringAllGatherUs(bytes, placement, fabric)
    : allReduceUs(bytes, placement, fabric, algorithm);
}

export function stepTimes(
  model: ModelSpec,
  computeMs: number,
  collectives: readonly PlannedCollective[],
  time: (c: PlannedCollective) => number,
): StepTimes {
  const forwardMs = computeMs / 3;
  const backwardMs = (2 * computeMs) / 3;
  let bnForwardMs = 0;
  const bnBackwardAt = new Map<number, number>();
  for (const c of collectives) {
    if (c.kind === 'bnForward') bnForwardMs += time(c) / 1000;
    if (c.kind === 'bnBackward') bnBackwardAt.set(c.layerIndex, time(c) / 1000);
  }
  // Backward share of each layer (walking from the last layer to the first).
  const weights = model.layers.map((l) => l.macs);
  const useParams = weights.every((w) => w === 0);
  const share = model.layers.map((l, i) => (useParams ? l.params : weights[i]!));
  const total = share.reduce((s, w) => s + w, 0) || 1;
  // finishedAt[i]: time since backward began when layer i's backward (and its BN sync) is done.
  const finishedAt = new Array<number>(model.layers.length).fill(0);
  let t = 0;
  let bnBackwardMs = 0;
  for (let i = model.layers.length - 1; i >= 0; i--) {
    t += (backwardMs * share[i]!) / total;
    const sync = bnBackwardAt.get(i) ?? 0;
    t += sync;
    bnBackwardMs += sync;
    finishedAt[i] = t;
  }
  const backwardEnd = t;
  let commEnd = 0;
  let gradientMs = 0;
  for (const c of collectives) {
    if (c.kind !== 'gradients') continue;
    const ready = finishedAt[c.layerIndex] ?? backwardEnd;
    const duration = time(c) / 1000;
    gradientMs += duration;
    commEnd = Math.max(commEnd, ready) + duration;
  }
  const backwardTotal = Math.max(backwardEnd, commEnd);
  return {
    stepMs: forwardMs + bnForwardMs + backwardTotal,
    computeMs,
    bnForwardMs,
    bnBackwardMs,
    exposedGradientMs: backwardTotal - backwardEnd,
    gradientMs,
  };
}
