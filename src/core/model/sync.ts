import type { MergedMoments } from '../norm/batch-stat-layer.ts';
import type { Moments, Reductions } from '../norm/moments.ts';

/**
 * What a model pass asks of whoever drives it, at each batch-statistic norm. A single device
 * answers itself (a merge of one); a worker hosting several devices collects the requests of all
 * its devices, checks they match (same layer, same phase), runs the collective and answers each.
 */
export type SyncRequest =
  | { readonly phase: 'moments'; readonly layer: string; readonly moments: Moments }
  | { readonly phase: 'reductions'; readonly layer: string; readonly reductions: Reductions };

export type SyncReply =
  | { readonly phase: 'moments'; readonly merged: MergedMoments }
  | { readonly phase: 'reductions'; readonly summed: Reductions };

/** A model pass that may pause at sync points. */
export type SyncGen<T> = Generator<SyncRequest, T, SyncReply>;

/**
 * The answer of a device that merges only with itself. `updateRunning: false` (evaluation) leaves
 * the running statistics untouched.
 */
export function answerLocally(request: SyncRequest, updateRunning = true): SyncReply {
  return request.phase === 'moments'
    ? {
        phase: 'moments',
        merged: { normalize: request.moments, running: updateRunning ? request.moments : null },
      }
    : { phase: 'reductions', summed: request.reductions };
}

/** Drive a pass to completion with `answer` (default: a merge of one). */
export function runPass<T>(
  pass: SyncGen<T>,
  answer: (r: SyncRequest) => SyncReply = answerLocally,
): T {
  let next = pass.next();
  while (!next.done) next = pass.next(answer(next.value));
  return next.value;
}

export function expectMoments(reply: SyncReply, layer: string): MergedMoments {
  if (reply.phase !== 'moments')
    throw new Error(`${layer}: expected merged moments, got ${reply.phase}`);
  return reply.merged;
}

export function expectReductions(reply: SyncReply, layer: string): Reductions {
  if (reply.phase !== 'reductions')
    throw new Error(`${layer}: expected summed reductions, got ${reply.phase}`);
  return reply.summed;
}
