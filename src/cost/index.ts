/**
 * What SyncBN costs at scale: the public API of the cost model (used by the CLI and the app).
 *
 *   estimateCost(setting) → CostResult   the one entry (estimate.ts)
 *   architecture(id), ARCHITECTURES        real networks generated from their definitions
 *   simulatedModel(config)                 the simulator's own model for a run config
 *   INTRA_NODE_LINKS, INTER_NODE_LINKS, GPUS, DEFAULT_EFFICIENCY   presets (every number overridable)
 *   fabricOf(...)                          a Fabric from preset ids
 */
export type { AllReduceAlgorithm, Fabric } from './alpha-beta.ts';
export {
  ARCHITECTURE_IDS,
  ARCHITECTURES,
  type ArchitectureId,
  architecture,
  type Resolution,
} from './architectures/catalog.ts';
export { CALIBRATION_CASES, fitAlphas, modelledUs } from './calibration.ts';
export {
  type BnMode,
  type CostResult,
  type CostSetting,
  estimateCost,
  estimateGroup,
  type ModeCost,
  type ScalingRow,
  scalingRow,
  settingProblems,
} from './estimate.ts';
export { DEFAULT_EFFICIENCY, GPUS, type GpuId, type GpuSpec, gpuPreset } from './gpus.ts';
export {
  ALPHA_BASE_US,
  fabricOf,
  INTER_NODE_LINKS,
  type InterNodeLinkId,
  INTRA_NODE_LINKS,
  type IntraNodeLinkId,
  interNodeLink,
  intraNodeLink,
  type LinkSpec,
} from './links.ts';
export type { LayerSpec, ModelSpec, ModelSummary } from './model-spec.ts';
export { simulatedModel } from './simulated-model.ts';
export type { CollectiveKindName, RankBytes } from './step-collectives.ts';
