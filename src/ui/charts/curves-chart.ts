import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { fmtNumber, fmtPercent, MISSING, percentTicks } from './format.ts';
import { seriesLook } from './palette.ts';
import { stepLineOptions } from './plot-options.ts';
import { type CurveMetric, type CurveRun, shapeCurves } from './shape-curves.ts';
import { emaSmooth, MAX_SMOOTHING } from './shape-smooth.ts';
import type { ChartTheme } from './theme.ts';

const METRIC_NAME: Record<CurveMetric, string> = { loss: 'Loss', acc: 'Accuracy' };
/** Axis titles with their units. */
const METRIC_AXIS: Record<CurveMetric, string> = {
  loss: 'loss (cross-entropy, nats)',
  acc: 'accuracy (%)',
};
const EVAL_DASH = [6, 4];

/**
 * Training curves (solid, smoothed with an EMA; the raw values faint behind) and evaluation curves
 * (dashed with markers) of several runs overlaid, one colour per run, against the optimizer step.
 * The legend is the chart's own list (every run, never cut off), with train and eval as separate
 * entries.
 */
@customElement('sbl-curves-chart')
export class CurvesChart extends UPlotChart {
  @property({ attribute: false }) runs: readonly CurveRun[] = [];
  @property() metric: CurveMetric = 'loss';
  /** EMA weight of the train curves, 0 (raw) to 0.99. */
  @property({ type: Number }) smoothing = 0.6;

  protected override caption(): string {
    return `${METRIC_NAME[this.metric] ?? this.metric} by step: train and eval`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const metric: CurveMetric = this.metric === 'acc' ? 'acc' : 'loss';
    const runs = this.runs ?? [];
    if (runs.length === 0) return 'No runs to show yet.';
    const shaped = shapeCurves(runs, metric);
    if (shaped.data[0].length === 0) return 'No steps recorded yet.';
    const smoothing = Math.min(MAX_SMOOTHING, Math.max(0, Number(this.smoothing) || 0));
    const smoothed = smoothing > 0;
    const fmt =
      metric === 'acc'
        ? (v: number | null) => fmtPercent(v, 2)
        : (v: number | null) => fmtNumber(v);
    const value = (_u: uPlot, v: number | null): string => fmt(v);
    const series: uPlot.Series[] = [];
    const data: (number | null)[][] = [];
    const legend: LegendEntry[] = [];
    for (const [i, run] of runs.entries()) {
      const look = seriesLook(theme.series, i);
      const train = (shaped.data[1 + 2 * i] ?? []) as (number | null)[];
      const evalCol = (shaped.data[2 + 2 * i] ?? []) as (number | null)[];
      if (smoothed) {
        series.push({
          label: `${run.label} train (raw)`,
          stroke: look.stroke,
          width: 1,
          alpha: 0.25,
          spanGaps: true,
          points: { show: false },
          value,
        });
        data.push(train);
      }
      series.push(
        {
          label: `${run.label} train`,
          stroke: look.stroke,
          width: 1.5,
          dash: look.dash,
          spanGaps: true,
          points: { show: false },
          value,
        },
        {
          label: `${run.label} eval`,
          stroke: look.stroke,
          width: 2,
          dash: EVAL_DASH,
          spanGaps: true,
          points: { show: true, size: 6, width: 1, stroke: look.stroke, fill: look.stroke },
          value,
        },
      );
      data.push(smoothed ? emaSmooth(train, smoothing) : train, evalCol);
      legend.push(
        { label: `${run.label} · train`, color: look.stroke, mark: 'solid' },
        { label: `${run.label} · eval`, color: look.stroke, mark: 'dashed' },
      );
    }
    if (smoothed) {
      legend.push({
        label: `faint: raw train values (solid: EMA ${smoothing.toFixed(2)})`,
        color: theme.muted,
        mark: 'faint',
      });
    }
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
      key: `curves|${metric}|${smoothed}|${runs.map((r) => `${r.id}:${r.label}`).join('\u0000')}`,
      options: stepLineOptions(theme, METRIC_AXIS[metric], series, yAxis, false),
      data: [steps, ...data],
      legend,
      label: `Line chart of ${name} against optimizer step for ${runs.length} run${runs.length === 1 ? '' : 's'}, steps ${steps[0]} to ${steps[steps.length - 1]}: train ${smoothed ? `smoothed with an exponential moving average of weight ${smoothing.toFixed(2)} (raw values faint)` : 'unsmoothed'} as solid lines, eval as dashed lines with markers.`,
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
