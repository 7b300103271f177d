import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import { type ChartView, type LegendEntry, UPlotChart } from './base-chart.ts';
import { fmtNumber, fmtPercent, MISSING, percentTicks } from './format.ts';
import { seriesLook } from './palette.ts';
import { stepLineOptions } from './plot-options.ts';
import { type CurveMetric, type CurveRun, shapeCurves } from './shape-curves.ts';
import { emaSmooth, MAX_SMOOTHING } from './shape-smooth.ts';
import type { ChartTheme } from './theme.ts';

/** Axis titles with their units (in the language shown: read at draw time). */
function metricAxis(metric: CurveMetric): string {
  return metric === 'acc' ? msg('accuracy (%)') : msg('loss (cross-entropy, nats)');
}
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
    return this.metric === 'acc'
      ? msg('Accuracy by step: train and eval')
      : msg('Loss by step: train and eval');
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const metric: CurveMetric = this.metric === 'acc' ? 'acc' : 'loss';
    const runs = this.runs ?? [];
    if (runs.length === 0) return msg('No runs to show yet.');
    const shaped = shapeCurves(runs, metric);
    if (shaped.data[0].length === 0) return msg('No steps recorded yet.');
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
          label: msg(str`${run.label} train (raw)`),
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
          label: msg(str`${run.label} train`),
          stroke: look.stroke,
          width: 1.5,
          dash: look.dash,
          spanGaps: true,
          points: { show: false },
          value,
        },
        {
          label: msg(str`${run.label} eval`),
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
        { label: msg(str`${run.label} · train`), color: look.stroke, mark: 'solid' },
        { label: msg(str`${run.label} · eval`), color: look.stroke, mark: 'dashed' },
      );
    }
    if (smoothed) {
      legend.push({
        label: msg(str`faint: raw train values (solid: EMA ${smoothing.toFixed(2)})`),
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
    const steps = shaped.data[0];
    const first = steps[0];
    const last = steps[steps.length - 1];
    const count = runs.length;
    const weight = smoothing.toFixed(2);
    return {
      key: `curves|${metric}|${smoothed}|${runs.map((r) => `${r.id}:${r.label}`).join('\u0000')}`,
      options: stepLineOptions(theme, metricAxis(metric), series, yAxis, false),
      data: [steps, ...data],
      legend,
      label: curvesLabel(metric, count, first, last, smoothed ? weight : null),
      table: {
        caption: metric === 'acc' ? msg('Latest accuracy') : msg('Latest loss'),
        columns: [
          msg('Run'),
          msg('Step'),
          metric === 'acc' ? msg('Train accuracy') : msg('Train loss'),
          metric === 'acc' ? msg('Eval accuracy') : msg('Eval loss'),
          msg('Eval step'),
        ],
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

/** The plot's text equivalent: one whole sentence per metric and smoothing. */
function curvesLabel(
  metric: CurveMetric,
  count: number,
  first: number | undefined,
  last: number | undefined,
  weight: string | null,
): string {
  const runs = count === 1 ? msg('1 run') : msg(str`${count} runs`);
  if (metric === 'acc') {
    return weight !== null
      ? msg(
          str`Line chart of accuracy against optimizer step for ${runs}, steps ${first} to ${last}: train smoothed with an exponential moving average of weight ${weight} (raw values faint) as solid lines, eval as dashed lines with markers.`,
        )
      : msg(
          str`Line chart of accuracy against optimizer step for ${runs}, steps ${first} to ${last}: train unsmoothed as solid lines, eval as dashed lines with markers.`,
        );
  }
  return weight !== null
    ? msg(
        str`Line chart of loss against optimizer step for ${runs}, steps ${first} to ${last}: train smoothed with an exponential moving average of weight ${weight} (raw values faint) as solid lines, eval as dashed lines with markers.`,
      )
    : msg(
        str`Line chart of loss against optimizer step for ${runs}, steps ${first} to ${last}: train unsmoothed as solid lines, eval as dashed lines with markers.`,
      );
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-curves-chart': CurvesChart;
  }
}
