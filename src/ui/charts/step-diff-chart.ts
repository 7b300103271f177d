import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { StepDifference } from '../model/torch-difference.ts';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { fmtNumber, MISSING } from './format.ts';
import { seriesLook } from './palette.ts';
import { stepLineOptions } from './plot-options.ts';
import type { ChartTheme } from './theme.ts';

/** A positive value for the log axis (0 has no place on it: the point is left out). */
function onLog(v: number | null): number | null {
  return v !== null && Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * How far a PyTorch run's train loss sits from the simulator's at every step: |Δloss| and the
 * difference relative to the simulator's loss, on a log axis (agreement is in the last digits of
 * float32, 1e-8 to 1e-6, where a linear axis shows a flat zero). The table gives the largest.
 */
@customElement('sbl-step-diff-chart')
export class StepDiffChart extends UPlotChart {
  @property({ attribute: false }) steps: readonly StepDifference[] = [];

  protected override caption(): string {
    return msg('Train loss difference by step: PyTorch minus simulator');
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const rows = this.steps ?? [];
    if (rows.length === 0) return msg('No step that both runs recorded.');
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const absLook = seriesLook(theme.series, 0);
    const relLook = seriesLook(theme.series, 1);
    const series: uPlot.Series[] = [
      {
        label: msg('|Δ loss|'),
        stroke: absLook.stroke,
        width: 1.5,
        points: { show: rows.length <= 60, size: 4 },
        value,
      },
      {
        label: msg('relative difference'),
        stroke: relLook.stroke,
        dash: [6, 4],
        width: 1.5,
        points: { show: rows.length <= 60, size: 4 },
        value,
      },
    ];
    const legend: LegendEntry[] = [
      { label: msg('|Δ loss| = |PyTorch − simulator|'), color: absLook.stroke, mark: 'solid' },
      {
        label: msg('relative difference = |Δ loss| / simulator loss'),
        color: relLook.stroke,
        mark: 'dashed',
      },
    ];
    const options = stepLineOptions(theme, msg('difference (log scale)'), series, {}, false);
    options.scales = { x: { time: false }, y: { distr: 3 } };
    const largest = (pick: (r: StepDifference) => number | null) => {
      let best: StepDifference | null = null;
      for (const r of rows) {
        const v = pick(r);
        if (v !== null && (best === null || v > (pick(best) ?? -1))) best = r;
      }
      return best;
    };
    const maxAbs = largest((r) => r.absolute);
    const maxRel = largest((r) => r.relative);
    const first = rows[0]!.step;
    const last = rows[rows.length - 1]!.step;
    return {
      key: `step-diff|${rows.length}`,
      options,
      data: [
        rows.map((r) => r.step),
        rows.map((r) => onLog(r.absolute)),
        rows.map((r) => onLog(r.relative)),
      ],
      legend,
      label: msg(
        str`Line chart on a log scale of how far the PyTorch run's train loss is from the simulator's at each step, steps ${first} to ${last}: the absolute difference as a solid line, the difference relative to the simulator's loss as a dashed line. Steps where the two are equal are left out.`,
      ),
      table: {
        caption: msg('Largest difference'),
        columns: [msg('Measure'), msg('Largest'), msg('At step')],
        rows: [
          {
            label: msg('|Δ loss|'),
            color: absLook.stroke,
            cells: [fmtNumber(maxAbs?.absolute ?? null, 3), maxAbs ? String(maxAbs.step) : MISSING],
          },
          {
            label: msg('relative difference'),
            color: relLook.stroke,
            cells: [fmtNumber(maxRel?.relative ?? null, 3), maxRel ? String(maxRel.step) : MISSING],
          },
        ],
      },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-step-diff-chart': StepDiffChart;
  }
}
