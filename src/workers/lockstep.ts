import type { SyncGen, SyncReply, SyncRequest } from '../core/model/sync.ts';
import type { Device, PassStats } from './device.ts';
import type { PassKind } from './reports.ts';

const now = (): number => performance.now();

/** What answers the devices' requests once they all reached the same merge point (`bn-merge.ts`). */
export interface MergePoint {
  answer(requests: readonly SyncRequest[], kind: PassKind): Promise<SyncReply[]>;
}

/**
 * Advance every device's pass to its next merge point, together, check they all reached the same
 * one, let `merges` answer, and resume them, until all finish. `passes[i]` is `devices[i]`'s pass;
 * `step` names the step in errors.
 */
export async function driveLockstep(
  devices: readonly Device[],
  passes: SyncGen<PassStats>[],
  kind: PassKind,
  step: number,
  merges: MergePoint,
): Promise<{ stats: PassStats; computeMs: number }[]> {
  const computeMs = passes.map(() => 0);
  const advance = (i: number, reply?: SyncReply) => {
    const t = now();
    const r = reply === undefined ? passes[i]!.next() : passes[i]!.next(reply);
    computeMs[i] = computeMs[i]! + (now() - t);
    return r;
  };
  let states = passes.map((_, i) => advance(i));
  for (;;) {
    const finished = states.filter((s) => s.done).length;
    if (finished === states.length) break;
    if (finished > 0) {
      const waiting = states.findIndex((s) => !s.done);
      const req = states[waiting]!.value as SyncRequest;
      throw new Error(
        `device ${devices[waiting]!.rank} is waiting for ${req.phase} of layer ${req.layer} at step ${step}, but device ${devices[states.findIndex((s) => s.done)]!.rank} finished its pass`,
      );
    }
    const requests = states.map((s) => s.value as SyncRequest);
    checkSameMergePoint(devices, requests, step);
    const replies = await merges.answer(requests, kind);
    states = passes.map((_, i) => advance(i, replies[i]));
  }
  return states.map((s, i) => ({ stats: s.value as PassStats, computeMs: computeMs[i]! }));
}

/** Every device must pause at the same phase of the same layer, else the merge would mix layers. */
function checkSameMergePoint(
  devices: readonly Device[],
  requests: readonly SyncRequest[],
  step: number,
): void {
  const first = requests[0]!;
  for (let i = 1; i < requests.length; i++) {
    const r = requests[i]!;
    if (r.phase !== first.phase || r.layer !== first.layer) {
      throw new Error(
        `device ${devices[i]!.rank} reached ${r.phase} of layer ${r.layer} while device ${devices[0]!.rank} reached ${first.phase} of layer ${first.layer} at step ${step}`,
      );
    }
  }
}
