/** The chart components (importing this module registers their custom elements). */
export {
  type ChartView,
  type Fact,
  type LegendEntry,
  type LegendMark,
  UPlotChart,
  type ValueRow,
  type ValueTable,
} from './base-chart.ts';
export { CurvesChart } from './curves-chart.ts';
export { DeviceStatsChart } from './device-stats-chart.ts';
export {
  axisSizeFor,
  fmtBytes,
  fmtMs,
  fmtNumber,
  fmtPercent,
  fmtTick,
  MISSING,
  percentTicks,
} from './format.ts';
export { MismatchChart } from './mismatch-chart.ts';
export { StepDiffChart } from './step-diff-chart.ts';
export { CostScalingChart } from './cost-scaling-chart.ts';
export { type ShapedCostScaling, shapeCostScaling } from './shape-cost-scaling.ts';
export { NoiseBatchChart } from './noise-batch-chart.ts';
export { PopulationChart } from './population-chart.ts';
export { NoiseChart } from './noise-chart.ts';
export { type Band, type BandKind, deviceBand } from './shape-band.ts';
export {
  fitInverseSqrt,
  type NoiseBatchPoint,
  type NoiseBatchRun,
  runMeanNoise,
  type ShapedNoiseBatch,
  shapeNoiseVsBatch,
} from './shape-noise-batch.ts';
export { emaSmooth, MAX_SMOOTHING } from './shape-smooth.ts';
export { SmoothingControl } from './smoothing-control.ts';
export {
  DARK_INK,
  DARK_SERIES,
  LIGHT_INK,
  LIGHT_SERIES,
  parseColorList,
  type SeriesLook,
  seriesLook,
} from './palette.ts';
export { type PlotOptions, stepLineOptions, themedAxis } from './plot-options.ts';
export { finiteOrNull, lastPresent, nullColumn, pickLayer } from './shape-common.ts';
export {
  type CurveLatest,
  type CurveMetric,
  type CurvePoint,
  type CurveRun,
  type ShapedCurves,
  shapeCurves,
} from './shape-curves.ts';
export {
  type BatchStat,
  type DeviceStatsLatest,
  type ShapedDeviceStats,
  shapeDeviceStats,
} from './shape-device-stats.ts';
export { type NoiseKind, type NoiseLatest, type ShapedNoise, shapeNoise } from './shape-noise.ts';
export { chartStyles, uplotStyles } from './styles.ts';
export { type ChartTheme, readTheme, themeKey, watchColorScheme } from './theme.ts';
export { UsedStatsChart } from './used-stats-chart.ts';
export {
  firstPopulationLayer,
  type MismatchRun,
  type PopulationLatest,
  type ShapedMismatch,
  type ShapedPopulation,
  shapeMismatch,
  shapePopulation,
} from './shape-population.ts';
export { type ShapedUsedStats, shapeUsedStats, type UsedStatsLatest } from './shape-used-stats.ts';
