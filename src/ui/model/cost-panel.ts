import { msg, str } from '@lit/localize';
import { bnSyncGroup } from '../../config/bn-sync.ts';
import type { RunConfig } from '../../config/schema.ts';
import {
  ARCHITECTURES,
  type ArchitectureId,
  type CostResult,
  type CostSetting,
  DEFAULT_EFFICIENCY,
  estimateCost,
  estimateGroup,
  fabricOf,
  type GpuId,
  GPUS,
  gpuPreset,
  type InterNodeLinkId,
  type IntraNodeLinkId,
  type ModelSpec,
  type ScalingRow,
  scalingRow,
  simulatedModel,
  architecture,
} from '../../cost/index.ts';

/**
 * The "Cost on a cluster" panel's model, pure: the cluster presets the panel offers, the user's
 * choice read into a cost setting (src/cost) or into problems named by the panel's fields, and the
 * rows that put each run's measured test accuracy beside its modelled step time. Every string is
 * built at call time, in the language shown.
 */

/** The largest K the panel (and its chart) costs: the cost model's scaling table goes this far. */
export const MAX_PANEL_GPUS = 1024;

/** A cluster as the panel offers it: its links (inside a node: the GPU's NVLink, or PCIe) and node size. */
export interface ClusterPreset {
  readonly id: ClusterPresetId;
  readonly gpusPerNode: number;
  /** 'nvlink': the NVLink generation of the chosen GPU's usual node. */
  readonly intra: IntraNodeLinkId | 'nvlink';
  readonly inter: InterNodeLinkId;
  /** A single machine: K may not exceed its GPUs. */
  readonly singleNode: boolean;
}

export const CLUSTER_PRESETS = [
  { id: 'nvlink-ndr', gpusPerNode: 8, intra: 'nvlink', inter: 'ib-ndr', singleNode: false },
  { id: 'nvlink-hdr', gpusPerNode: 8, intra: 'nvlink', inter: 'ib-hdr', singleNode: false },
  { id: 'ethernet', gpusPerNode: 8, intra: 'nvlink', inter: 'eth-100', singleNode: false },
  { id: 'pcie-workstation', gpusPerNode: 8, intra: 'pcie4', inter: 'eth-100', singleNode: true },
] as const satisfies readonly {
  id: string;
  gpusPerNode: number;
  intra: IntraNodeLinkId | 'nvlink';
  inter: InterNodeLinkId;
  singleNode: boolean;
}[];

export type ClusterPresetId = (typeof CLUSTER_PRESETS)[number]['id'];

export function clusterPreset(id: ClusterPresetId): ClusterPreset {
  return CLUSTER_PRESETS.find((p) => p.id === id) ?? CLUSTER_PRESETS[0];
}

/** The preset's name in the language shown. */
export function clusterLabel(id: ClusterPresetId): string {
  switch (id) {
    case 'nvlink-ndr':
      return msg('8 GPUs per node on NVLink, InfiniBand NDR (400 Gb/s) between nodes');
    case 'nvlink-hdr':
      return msg('8 GPUs per node on NVLink, InfiniBand HDR (200 Gb/s) between nodes');
    case 'ethernet':
      return msg('Ethernet cluster: 8 GPUs per node on NVLink, 100 Gb/s Ethernet between nodes');
    case 'pcie-workstation':
      return msg('PCIe workstation: one machine, up to 8 GPUs on PCIe Gen 4');
  }
}

/** The GPU's name (product names stay as they are in every language). */
export function gpuLabel(id: GpuId): string {
  const gpu = gpuPreset(id);
  const peak = gpu.peakTflops;
  return msg(str`${gpu.id.toUpperCase()} (${peak} TFLOP/s peak)`);
}

/** The model the panel costs: each run's own simulated model, or a real architecture. */
export type CostedModel = 'run' | ArchitectureId;

export const COSTED_MODELS: readonly CostedModel[] = ['run', ...ARCHITECTURES.map((a) => a.id)];

export function modelLabel(id: CostedModel): string {
  if (id === 'run') return msg("This study's own model (as simulated)");
  const found = ARCHITECTURES.find((a) => a.id === id);
  if (!found) return id;
  const { height, width } = found.defaultResolution;
  return id === 'resnet50-fpn'
    ? msg(str`ResNet-50-FPN detection backbone at ${height}×${width}`)
    : msg(str`${found.label} at ${height}×${width}`);
}

/** What the user chose, as typed (the fields' text: a bad entry is shown, never thrown). */
export interface CostChoice {
  readonly preset: ClusterPresetId;
  readonly gpu: GpuId;
  /** K, as typed. */
  readonly gpus: string;
  readonly model: CostedModel;
  /** Compute per step in ms, as typed; empty: estimated from the model's FLOPs and the GPU. */
  readonly computeMs: string;
}

export type CostField = 'gpus' | 'computeMs';

export interface FieldProblem {
  readonly field: CostField;
  readonly message: string;
}

/** The panel's defaults for a study whose first run has `devices` devices. */
export function defaultChoice(devices: number): CostChoice {
  return { preset: 'nvlink-ndr', gpu: 'a100', gpus: String(devices), model: 'run', computeMs: '' };
}

/** K as a number, or null when the field does not hold a whole number. */
function parseWhole(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** The problems of the choice, each at its field, in the form's words; empty when it can be costed. */
export function choiceProblems(choice: CostChoice): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const preset = clusterPreset(choice.preset);
  const k = parseWhole(choice.gpus);
  const perNode = preset.gpusPerNode;
  if (k === null || k < 1 || k > MAX_PANEL_GPUS) {
    const typed = choice.gpus.trim();
    problems.push({
      field: 'gpus',
      message: typed
        ? msg(str`GPUs (K) must be a whole number from 1 to ${MAX_PANEL_GPUS}; “${typed}” is not.`)
        : msg(str`Enter the number of GPUs (K): a whole number from 1 to ${MAX_PANEL_GPUS}.`),
    });
  } else if (preset.singleNode && k > perNode) {
    problems.push({
      field: 'gpus',
      message: msg(
        str`A workstation holds at most ${perNode} GPUs: choose K from 1 to ${perNode}, or a cluster preset for K = ${k}.`,
      ),
    });
  } else if (k > perNode && k % perNode !== 0) {
    const below = Math.floor(k / perNode) * perNode;
    const above = below + perNode;
    problems.push({
      field: 'gpus',
      message: msg(
        str`K = ${k} does not fill whole nodes of ${perNode} GPUs: choose a multiple of ${perNode} (such as ${below} or ${above}), or at most ${perNode}.`,
      ),
    });
  }
  const ms = choice.computeMs.trim();
  if (ms !== '') {
    const value = Number(ms);
    if (!(Number.isFinite(value) && value >= 0)) {
      problems.push({
        field: 'computeMs',
        message: msg(
          str`Compute per step must be a number of milliseconds, 0 or more (“${ms}” is not); leave it empty to estimate it from the model's FLOPs.`,
        ),
      });
    }
  }
  return problems;
}

/** What the panel needs of a run: its name, config and measured test accuracy (0–1), if any. */
export interface CostRun {
  readonly key: string;
  readonly label: string;
  readonly config: RunConfig;
  readonly testAcc: number | null;
}

/** Examples each device normalizes over (perDeviceBatch may be left to follow globalBatch). */
export function perDeviceBatchOf(config: RunConfig): number {
  return config.perDeviceBatch ?? Math.max(1, Math.round(config.globalBatch / config.devices));
}

/** Norms whose statistics a run merges across devices (what SyncBatchNorm synchronizes). */
const MERGING_NORMS = new Set(['batch', 'ghost', 'renorm']);

/**
 * Ranks one BN merge spans for a run at K: 1 (local BN, or a norm with nothing to merge), K
 * (SyncBN), g (group:g); null when group:g cannot be formed at this K.
 */
export function groupAt(config: RunConfig, k: number): number | null {
  if (!MERGING_NORMS.has(config.model.norm) || config.bnSync === 'local') return 1;
  if (config.bnSync === 'sync') return k;
  const g = bnSyncGroup(config.bnSync) ?? 1;
  if (g > k || k % g !== 0) return null;
  return g;
}

/** The BN mode's words: "local BN", "SyncBN", "group:g", or the norm's when it merges nothing. */
export function modeText(config: RunConfig): string {
  if (!MERGING_NORMS.has(config.model.norm)) {
    const norm = normName(config.model.norm);
    return msg(str`${norm} (nothing to synchronize)`);
  }
  if (config.bnSync === 'local') return msg('local BN');
  if (config.bnSync === 'sync') return msg('SyncBN');
  return config.bnSync;
}

/** A norm that merges nothing across devices, by its name in the language shown. */
function normName(norm: string): string {
  switch (norm) {
    case 'group':
      return msg('GroupNorm');
    case 'layer':
      return msg('LayerNorm');
    case 'instance':
      return 'InstanceNorm';
    case 'weight':
      return msg('weight normalization');
    case 'spectral':
      return msg('spectral normalization');
    case 'none':
      return msg('no normalization');
    default:
      return norm;
  }
}

/** The cost model's layer list for a run: its own simulated model, or the chosen architecture. */
export type ModelOf = (run: CostRun, model: CostedModel) => ModelSpec;

const simulatedCache = new WeakMap<RunConfig, ModelSpec>();
const architectureCache = new Map<ArchitectureId, ModelSpec>();

/** Builds each model once (a run's config object stays the same while the page shows it). */
export const cachedModelOf: ModelOf = (run, model) => {
  if (model === 'run') {
    let spec = simulatedCache.get(run.config);
    if (!spec) {
      spec = simulatedModel(run.config);
      simulatedCache.set(run.config, spec);
    }
    return spec;
  }
  let spec = architectureCache.get(model);
  if (!spec) {
    spec = architecture(model);
    architectureCache.set(model, spec);
  }
  return spec;
};

/** The cost setting of the choice for one run (call only when choiceProblems is empty). */
export function costSetting(
  choice: CostChoice,
  run: CostRun,
  modelOf: ModelOf = cachedModelOf,
  maxScalingGpus = 1,
): CostSetting {
  const preset = clusterPreset(choice.preset);
  const gpu = gpuPreset(choice.gpu);
  const intra = preset.intra === 'nvlink' ? gpu.nodeLink : preset.intra;
  const ms = choice.computeMs.trim();
  return {
    model: modelOf(run, choice.model),
    gpus: Number(choice.gpus.trim()),
    gpusPerNode: preset.gpusPerNode,
    batchPerGpu: perDeviceBatchOf(run.config),
    fabric: fabricOf(intra, preset.inter),
    compute:
      ms === ''
        ? { peakTflops: gpu.peakTflops, efficiency: DEFAULT_EFFICIENCY }
        : { computeMs: Number(ms) },
    maxScalingGpus,
  };
}

/** One run of the comparison: measured accuracy beside modelled step time, each against the baseline's. */
export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  readonly mode: string;
  /** Measured test accuracy (0–1), null while none. */
  readonly accuracy: number | null;
  /** Percentage points over the baseline run's accuracy; null for the baseline itself or unknown. */
  readonly accuracyDeltaPp: number | null;
  /** Modelled step time at K, ms; null when this run's BN mode cannot be formed at K. */
  readonly stepMs: number | null;
  readonly computeMs: number | null;
  readonly stepDeltaMs: number | null;
  readonly stepDeltaPct: number | null;
  /** Why the step time is missing, in words. */
  readonly note: string | null;
  readonly baseline: boolean;
}

/** The run the others are compared with: the first local-BN run, else the first run. */
export function baselineIndex(runs: readonly CostRun[]): number {
  const i = runs.findIndex(
    (r) => MERGING_NORMS.has(r.config.model.norm) && r.config.bnSync === 'local',
  );
  return Math.max(i, 0);
}

/** Each run's measured accuracy and modelled step time at the choice's K, against the baseline run. */
export function comparisonRows(
  choice: CostChoice,
  runs: readonly CostRun[],
  modelOf: ModelOf = cachedModelOf,
): ComparisonRow[] {
  if (runs.length === 0 || choiceProblems(choice).length > 0) return [];
  const k = Number(choice.gpus.trim());
  const base = baselineIndex(runs);
  const costs = runs.map((run) => {
    const group = groupAt(run.config, k);
    if (group === null) return null;
    return estimateGroup(costSetting(choice, run, modelOf), group);
  });
  const baseRun = runs[base]!;
  const baseCost = costs[base] ?? null;
  return runs.map((run, i) => {
    const cost = costs[i] ?? null;
    const isBase = i === base;
    const g = bnSyncGroup(run.config.bnSync);
    const stepMs = cost?.times.stepMs ?? null;
    const baseMs = baseCost?.times.stepMs ?? null;
    return {
      key: run.key,
      label: run.label,
      mode: modeText(run.config),
      accuracy: run.testAcc,
      accuracyDeltaPp:
        isBase || run.testAcc === null || baseRun.testAcc === null
          ? null
          : (run.testAcc - baseRun.testAcc) * 100,
      stepMs,
      computeMs: cost?.times.computeMs ?? null,
      stepDeltaMs: isBase || stepMs === null || baseMs === null ? null : stepMs - baseMs,
      stepDeltaPct:
        isBase || stepMs === null || baseMs === null || baseMs <= 0
          ? null
          : (stepMs / baseMs - 1) * 100,
      note:
        cost === null && g !== null
          ? msg(str`group:${g} needs K to be a multiple of ${g}: not modelled at K = ${k}.`)
          : null,
      baseline: isBase,
    };
  });
}

/**
 * The full estimate for the baseline run (every BN mode at K, and the overhead at K = 1, 2, 4 …
 * 1024, or up to the workstation's GPUs) in small pieces: the modes at K, then one K of the
 * scaling table per piece; it yields between pieces so a caller can give each its own task.
 * Returns null when the choice has a problem.
 */
export function* clusterEstimateSteps(
  choice: CostChoice,
  runs: readonly CostRun[],
  modelOf: ModelOf = cachedModelOf,
): Generator<void, CostResult | null, void> {
  const run = runs[baselineIndex(runs)];
  if (!run || choiceProblems(choice).length > 0) return null;
  const preset = clusterPreset(choice.preset);
  const max = preset.singleNode ? preset.gpusPerNode : MAX_PANEL_GPUS;
  const setting = costSetting(choice, run, modelOf, 1);
  const atK = estimateCost(setting);
  const scaling: ScalingRow[] = [];
  for (let k = 1; k <= max; k *= 2) {
    yield;
    scaling.push(scalingRow(setting, k));
  }
  return { ...atK, scaling };
}

/** The full estimate at once (clusterEstimateSteps run to its end). */
export function clusterEstimate(
  choice: CostChoice,
  runs: readonly CostRun[],
  modelOf: ModelOf = cachedModelOf,
): CostResult | null {
  const steps = clusterEstimateSteps(choice, runs, modelOf);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The BN mode's name in the language shown ("local BN", "SyncBN", "group:8"). */
export function bnModeLabel(mode: string): string {
  if (mode === 'local') return msg('local BN');
  if (mode === 'sync') return msg('SyncBN');
  return mode;
}

export { GPUS };
