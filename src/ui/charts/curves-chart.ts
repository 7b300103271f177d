import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { type ChartView, UPlotChart } from './base-chart.ts';
import { fmtNumber, fmtPercent, MISSING, percentTicks } from './format.ts';
import { seriesLook } from './palette.ts';
import { stepLineOptions } from './plot-options.ts';
import { type CurveMetric, type CurveRun, shapeCurves } from './shape-curves.ts';
import type { ChartTheme } from './theme.ts';

const METRIC_NAME: Record<CurveMetric, string> = { loss: 'Loss', acc: 'Accuracy' };

/**
 * Training (thin line) and evaluation (thick line with markers) curves of several runs overlaid,
 * one colour per run, against the optimizer step.
 */
@customElement('sbl-curves-chart')
export class CurvesChart extends UPlotChart {
  @property({ attribute: false }) runs: readonly CurveRun[] = [];
  @property() metric: CurveMetric = 'loss';

  protected override caption(): string {
    return `${METRIC_NAME[this.metric] ?? this.metric} by step: train and eval`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const metric: CurveMetric = this.metric === 'acc' ? 'acc' : 'loss';
    const runs = this.runs ?? [];
    if (runs.length === 0) return 'No runs to show yet.';
    const shaped = shapeCurves(runs, metric);
    if (shaped.data[0].length === 0) return 'No steps recorded yet.';
    const fmt =
      metric === 'acc'
        ? (v: number | null) => fmtPercent(v, 2)
        : (v: number | null) => fmtNumber(v);
    const value = (_u: uPlot, v: number | null): string => fmt(v);
    const series: uPlot.Series[] = runs.flatMap((run, i) => {
      const look = seriesLook(theme.series, i);
      return [
        {
          label: `${run.label} train`,
          stroke: look.stroke,
          width: 1,
          alpha: 0.75,
          dash: look.dash,
          spanGaps: true,
          points: { show: false },
          value,
        },
        {
          label: `${run.label} eval`,
          stroke: look.stroke,
          width: 2.5,
          dash: look.dash,
          spanGaps: true,
          points: { show: true, size: 7, width: 1, stroke: look.stroke, fill: look.stroke },
          value,
        },
      ];
    });
    const yAxis: uPlot.Axis =
      metric === 'acc'
        ? {
            values: (_u: uPlot, splits: number[], _a: number, _s: number, incr: number) =>
              percentTicks(splits, incr),
          }
        : {};
    const name = METRIC_NAME[metric].toLowerCase();
    const steps = shaped.data[0];
    return {
      key: `curves|${metric}|${runs.map((r) => `${r.id}:${r.label}`).join('\u0000')}`,
      options: stepLineOptions(theme, name, series, yAxis),
      data: shaped.data,
      label: `Line chart of train and eval ${name} against step for ${runs.length} run${runs.length === 1 ? '' : 's'}, steps ${steps[0]} to ${steps[steps.length - 1]}.`,
      table: {
        caption: `Latest ${name}`,
        columns: ['Run', 'Step', `Train ${name}`, `Eval ${name}`, 'Eval step'],
        rows: shaped.latest.map((l, i) => ({
          label: l.label,
          color: seriesLook(theme.series, i).stroke,
          cells: [
            l.train ? String(l.train.step) : MISSING,
            fmt(l.train?.value ?? null),
            fmt(l.eval?.value ?? null),
            l.eval ? String(l.eval.step) : MISSING,
          ],
        })),
      },
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-curves-chart': CurvesChart;
  }
}
