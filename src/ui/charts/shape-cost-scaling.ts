import type uPlot from 'uplot';
import type { ScalingRow } from '../../cost/index.ts';

/** The cost model's scaling table as the overhead chart draws it: % over local BN at each K. */
export interface ShapedCostScaling {
  /** [K, local (0), SyncBN, BN within one node]. */
  readonly data: uPlot.AlignedData;
  readonly gpus: readonly number[];
  readonly syncPct: readonly number[];
  readonly nodeGroupPct: readonly number[];
}

const overPct = (ms: number, localMs: number): number =>
  localMs > 0 ? (ms / localMs - 1) * 100 : 0;

export function shapeCostScaling(rows: readonly ScalingRow[]): ShapedCostScaling {
  const gpus = rows.map((r) => r.gpus);
  const syncPct = rows.map((r) => overPct(r.syncMs, r.localMs));
  const nodeGroupPct = rows.map((r) => overPct(r.nodeGroupMs, r.localMs));
  return {
    data: [gpus, rows.map(() => 0), syncPct, nodeGroupPct],
    gpus,
    syncPct,
    nodeGroupPct,
  };
}
