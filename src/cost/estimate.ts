import { type ModelSummary, summarize } from './model-spec.ts';
import { type CostSetting, computeMsOf, settingProblems } from './setting.ts';
import {
  bnCollectives,
  bytesOf,
  type CollectiveKindName,
  DDP_BUCKETS,
  gradientBuckets,
  type PlannedCollective,
  type RankBytes,
} from './step-collectives.ts';
import { collectiveUs, type StepTimes, stepTimes } from './step-time.ts';

export type { CostSetting };
export { settingProblems };

/** "local", "sync" or "group:g". */
export type BnMode = 'local' | 'sync' | `group:${number}`;

export type PerKind<T> = Record<CollectiveKindName, T>;

export interface ModeCost {
  readonly mode: BnMode;
  /** Ranks one BN merge spans: 1, K or g. */
  readonly group: number;
  readonly times: StepTimes;
  /** Over local BN's step time. */
  readonly overheadMs: number;
  readonly overheadPct: number;
  readonly collectivesPerStep: PerKind<number> & { readonly total: number };
  readonly bytesPerRank: PerKind<RankBytes>;
}

export interface ScalingRow {
  readonly gpus: number;
  readonly localMs: number;
  readonly syncMs: number;
  /** BN within one node (group of min(gpusPerNode, K)). */
  readonly nodeGroupMs: number;
  readonly syncOverheadPct: number;
}

export interface CostResult {
  readonly model: ModelSummary;
  readonly computeMs: number;
  /** local, sync, then group:g for every power of two 2 ≤ g < K. */
  readonly modes: readonly ModeCost[];
  readonly stepMs: Record<string, number>;
  /** SyncBN over all K against local BN. */
  readonly overheadPct: number;
  readonly overheadMs: number;
  readonly collectivesPerStep: ModeCost['collectivesPerStep'];
  readonly bytesPerRank: ModeCost['bytesPerRank'];
  readonly scaling: readonly ScalingRow[];
}

/** The BN modes costed for K ranks: local, sync, and group:g for powers of two 2 ≤ g < K. */
export function modesFor(gpus: number): { mode: BnMode; group: number }[] {
  const modes: { mode: BnMode; group: number }[] = [
    { mode: 'local', group: 1 },
    { mode: 'sync', group: gpus },
  ];
  for (let g = 2; g < gpus; g *= 2) modes.push({ mode: `group:${g}`, group: g });
  return modes;
}

/** The cost model's one entry: step times, overheads, collectives and bytes, and scaling. */
export function estimateCost(s: CostSetting): CostResult {
  const problems = settingProblems(s);
  if (problems.length) throw new RangeError(problems.join('\n'));
  const computeMs = computeMsOf(s);
  const modes = modesFor(s.gpus);
  const costs = modes.map(({ mode, group }) => costOfMode(s, s.gpus, group, mode, computeMs));
  const local = costs[0]!;
  const finished = costs.map((c) => withOverhead(c, local.times.stepMs));
  const sync = finished[1]!;
  return {
    model: summarize(s.model),
    computeMs,
    modes: finished,
    stepMs: Object.fromEntries(finished.map((c) => [c.mode, c.times.stepMs])),
    overheadPct: sync.overheadPct,
    overheadMs: sync.overheadMs,
    collectivesPerStep: sync.collectivesPerStep,
    bytesPerRank: sync.bytesPerRank,
    scaling: scaling(s, computeMs),
  };
}

/**
 * One BN mode at the setting's K: BN merged within groups of `group` ranks (1: local BN, K:
 * SyncBN, g: `group:g`, any g, not only the powers of two `estimateCost` lists), with its overhead
 * over local BN. Cheap (two step timelines, no scaling table): the app costs each run of a study
 * with it. Throws a RangeError naming the bad fields, as estimateCost does.
 */
export function estimateGroup(s: CostSetting, group: number): ModeCost {
  const problems = settingProblems(s);
  if (!(Number.isInteger(group) && group >= 1 && group <= s.gpus)) {
    problems.push(`group must be a whole number from 1 to gpus (${s.gpus}), got ${group}`);
  }
  if (problems.length) throw new RangeError(problems.join('\n'));
  const computeMs = computeMsOf(s);
  const mode: BnMode = group === 1 ? 'local' : group === s.gpus ? 'sync' : `group:${group}`;
  const local = costOfMode(s, s.gpus, 1, 'local', computeMs);
  return withOverhead(costOfMode(s, s.gpus, group, mode, computeMs), local.times.stepMs);
}

function scaling(s: CostSetting, computeMs: number): ScalingRow[] {
  const rows: ScalingRow[] = [];
  for (let k = 1; k <= (s.maxScalingGpus ?? 1024); k *= 2) rows.push(scalingRow(s, k, computeMs));
  return rows;
}

/**
 * One row of the scaling table: the setting at k GPUs (local, sync, BN within one node). The app
 * builds the table a row per task with it, so the page never waits on the whole table.
 */
export function scalingRow(s: CostSetting, k: number, computeMs = computeMsOf(s)): ScalingRow {
  const localMs = costOfMode(s, k, 1, 'local', computeMs).times.stepMs;
  const syncMs = costOfMode(s, k, k, 'sync', computeMs).times.stepMs;
  const g = Math.min(s.gpusPerNode, k);
  const nodeGroupMs = costOfMode(s, k, g, `group:${g}`, computeMs).times.stepMs;
  return { gpus: k, localMs, syncMs, nodeGroupMs, syncOverheadPct: pct(syncMs, localMs) };
}

const pct = (ms: number, baseMs: number): number => (baseMs > 0 ? (ms / baseMs - 1) * 100 : 0);

function withOverhead(c: ModeCost, localMs: number): ModeCost {
  return { ...c, overheadMs: c.times.stepMs - localMs, overheadPct: pct(c.times.stepMs, localMs) };
}

/** The planned collectives of one step: BN within groups of `group`, gradients over all `gpus`. */
export function planStep(s: CostSetting, gpus: number, group: number): PlannedCollective[] {
  const bytesPerValue = s.bytesPerValue ?? DDP_BUCKETS.bytesPerValue;
  return [
    ...bnCollectives(s.model, Math.min(group, gpus)),
    ...gradientBuckets(s.model, gpus, {
      bytesPerValue,
      firstBucketBytes: (s.firstBucketMb ?? 1) * 1024 * 1024,
      bucketBytes: (s.bucketMb ?? 25) * 1024 * 1024,
    }),
  ];
}

function costOfMode(
  s: CostSetting,
  gpus: number,
  group: number,
  mode: BnMode,
  computeMs: number,
): ModeCost {
  const bytesPerValue = s.bytesPerValue ?? DDP_BUCKETS.bytesPerValue;
  const plan = planStep(s, gpus, group);
  const time = (c: PlannedCollective): number =>
    collectiveUs(c, s.gpusPerNode, s.fabric, s.algorithm ?? 'auto', bytesPerValue);
  const counts = { bnForward: 0, bnBackward: 0, gradients: 0 };
  const zero = (): RankBytes => ({ sent: 0, received: 0, wire: 0 });
  const bytes = { bnForward: zero(), bnBackward: zero(), gradients: zero() };
  for (const c of plan) {
    counts[c.kind]++;
    const b = bytesOf(c, bytesPerValue);
    bytes[c.kind].sent += b.sent;
    bytes[c.kind].received += b.received;
    bytes[c.kind].wire += b.wire;
  }
  return {
    mode,
    group: Math.min(group, gpus),
    times: stepTimes(s.model, computeMs, plan, time),
    overheadMs: 0,
    overheadPct: 0,
    collectivesPerStep: { ...counts, total: plan.length },
    bytesPerRank: bytes,
  };
}
