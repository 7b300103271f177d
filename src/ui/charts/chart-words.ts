import { msg, str } from '@lit/localize';
import type { BandKind } from './shape-band.ts';
import type { BatchStat } from './shape-device-stats.ts';

/**
 * Words the charts share, in the language shown. Functions, not constants: a chart reads them
 * when it draws, so a language switch redraws it in the new language.
 */

/** A batch statistic's name as a noun ("mean", "variance"). */
export function statName(stat: BatchStat): string {
  return stat === 'var' ? msg('variance') : msg('mean');
}

/** A batch statistic's name in the plural ("means", "variances"). */
export function statNames(stat: BatchStat): string {
  return stat === 'var'
    ? msg('variances', { desc: 'A batch statistic, plural' })
    : msg('means', { desc: 'A batch statistic, plural' });
}

/** One device, as a legend entry or a table row. */
export function deviceLabel(k: number | string): string {
  return msg(str`device ${k}`);
}

/** "the 8 devices'": whose values a band sums up. */
export function devicesOwners(count: number): string {
  return count === 1 ? msg("the 1 device's") : msg(str`the ${count} devices'`);
}

/** A band kind in words, for legends and text equivalents. */
export function bandWords(kind: BandKind): string {
  return kind === 'std' ? msg('mean ± 1 std over devices') : msg('min–max over devices');
}

/** The x axis of the step charts. */
export function stepAxis(): string {
  return msg('optimizer step');
}

/** The x axis of the charts drawn at evaluations. */
export function evalStepAxis(): string {
  return msg('optimizer step (evaluations)');
}

/** uPlot's name of the x series (its legend is hidden, but it is the series' label). */
export function stepSeries(): string {
  return msg('step', { desc: 'The x series of a chart: the optimizer step' });
}

/** A chart's caption when no BN layer is picked yet. */
export function anyBnLayer(): string {
  return msg('BN layer');
}

export function noTelemetryYet(): string {
  return msg('No telemetry yet.');
}

export function noStepsYet(): string {
  return msg('No steps recorded yet.');
}

/** No statistics for the layer asked for, or for any layer yet. */
export function noLayerStats(layer: string): string {
  return layer
    ? msg(str`No statistics recorded for layer ${layer}.`)
    : msg('No BN layer statistics yet.');
}
