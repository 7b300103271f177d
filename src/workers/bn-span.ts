import { BN_SYNC_EXPECTED, bnSyncGroup } from '../config/bn-sync.ts';

/**
 * What "local", "sync" and "group:g" mean: only which devices a BN merge spans.
 * - local: each device alone (DDP without SyncBN);
 * - sync: all devices (SyncBatchNorm over the default process group);
 * - group:g: consecutive groups of g devices (a process_group per group, MegDet-style); when g does
 *   not divide K the last group is smaller.
 */
export type BnSync = 'local' | 'sync' | `group:${number}`;

export interface BnSpans {
  /** For each device, the devices its statistics merge with, in device order. */
  readonly spanOf: readonly (readonly number[])[];
  /** True when some span has more than one device, i.e. BN needs messages. */
  readonly communicates: boolean;
}

export function groupSize(bnSync: string, devices: number): number {
  if (bnSync === 'local') return 1;
  if (bnSync === 'sync') return devices;
  const g = bnSyncGroup(bnSync) ?? Number.NaN;
  if (!Number.isInteger(g) || g < 1) {
    throw new Error(`bnSync: ${BN_SYNC_EXPECTED}, got "${bnSync}"`);
  }
  return Math.min(g, devices);
}

export function bnSpans(bnSync: string, devices: number): BnSpans {
  const g = groupSize(bnSync, devices);
  const spanOf: number[][] = [];
  for (let start = 0; start < devices; start += g) {
    const span = Array.from({ length: Math.min(g, devices - start) }, (_, i) => start + i);
    for (const _ of span) spanOf.push(span);
  }
  return { spanOf, communicates: g > 1 };
}
