import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, type Fact, UPlotChart } from './base-chart.ts';
import { fmtBytes, fmtMs, fmtNumber, fmtPercent, MISSING } from './format.ts';
import { deviceLabel, noStepsYet, noTelemetryYet } from './chart-words.ts';
import { seriesLook } from './palette.ts';
import { themedAxis } from './plot-options.ts';
import { shapeTimeline } from './shape-timeline.ts';
import type { ChartTheme } from './theme.ts';

/** Device ranks as tick labels: only whole numbers, spaced out when there are many devices. */
const DEVICE_INCRS = [1, 2, 4, 5, 8, 10, 16, 20, 32, 64];

/**
 * Per device, the time spent computing and the time its worker waited in collectives, averaged
 * over the last steps, as stacked bars; the communication counters as text.
 */
@customElement('sbl-timeline-chart')
export class TimelineChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** How many of the latest steps the bars average over. */
  @property({ type: Number, attribute: 'last-steps' }) lastSteps = 20;

  protected override caption(): string {
    return msg('Compute vs waiting in collectives, per device');
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return noTelemetryYet();
    if (t.step.length === 0 || t.devices === 0) return noStepsYet();
    const shaped = shapeTimeline(t, this.lastSteps);
    const computeColor = seriesLook(theme.series, 0).stroke;
    const waitColor = seriesLook(theme.series, 1).stroke;
    const bars = uPlot.paths.bars!({ size: [0.6, 64], gap: 1 });
    const K = t.devices;
    const deviceWord = msg('device', { desc: 'The x axis of a chart: device ranks' });
    const averaged = shaped.stepsAveraged;
    const series: uPlot.Series[] = [
      { label: deviceWord, value: (_u, v) => (v === null ? MISSING : deviceLabel(v)) },
      {
        label: msg('compute', { desc: 'Time a device spent computing (a chart series)' }),
        stroke: computeColor,
        fill: computeColor,
        width: 0,
        paths: bars,
        points: { show: false },
        value: (_u, v) => fmtMs(v),
      },
      {
        label: msg('waiting in collectives'),
        stroke: waitColor,
        fill: waitColor,
        width: 0,
        paths: bars,
        points: { show: false },
        // The series holds the bar's top (compute + wait); show the wait alone.
        value: (u, v, _s, i) =>
          v === null || i === null ? MISSING : fmtMs(v - (u.data[1]?.[i] ?? 0)),
      },
    ];
    const facts: Fact[] = [
      { term: msg('Transport'), value: t.transport },
      { term: msg('Workers / devices'), value: `${t.workers} / ${t.devices}` },
      {
        term: msg('Averaged over'),
        value:
          averaged > 0
            ? averaged === 1
              ? msg(str`1 step (${shaped.firstStep}–${shaped.lastStep})`)
              : msg(str`${averaged} steps (${shaped.firstStep}–${shaped.lastStep})`)
            : MISSING,
      },
      {
        term: msg('Collective calls per step'),
        value: msg(
          str`${fmtNumber(shaped.collectiveCalls)} (mean ${fmtNumber(shaped.meanCollectiveCalls, 3)})`,
        ),
      },
      {
        term: msg('Bytes per step'),
        value: msg(str`${fmtBytes(shaped.bytes)} (mean ${fmtBytes(shaped.meanBytes)})`),
      },
    ];
    return {
      key: `timeline|${K}`,
      options: {
        scales: {
          x: { time: false, range: [-0.5, K - 0.5] },
          y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.05 : 1] },
        },
        axes: [
          themedAxis(theme, deviceWord, {
            incrs: DEVICE_INCRS,
            space: 24,
            grid: { show: false },
            values: (_u, splits) => splits.map((s) => (Number.isInteger(s) ? String(s) : '')),
          }),
          themedAxis(theme, msg('ms per step'), { size: 60 }),
        ],
        series,
        bands: [{ series: [2, 1] }],
        legend: { show: true, live: true },
        cursor: { points: { show: false }, drag: { x: false, y: false } },
      },
      data: shaped.data,
      label:
        K === 1
          ? msg(
              str`Stacked bar chart of compute and collective-wait milliseconds per step for 1 device, averaged over the last ${averaged} steps.`,
            )
          : msg(
              str`Stacked bar chart of compute and collective-wait milliseconds per step for ${K} devices, averaged over the last ${averaged} steps.`,
            ),
      table: {
        caption: msg(str`Per device, mean over the last ${averaged} steps`),
        columns: [
          msg('Device'),
          msg('Compute', { desc: 'Column heading: time spent computing' }),
          msg('Waiting'),
          msg('Waiting share'),
        ],
        rows: shaped.devices.map((d, k) => ({
          label: deviceLabel(k),
          cells: [fmtMs(d.compute), fmtMs(d.wait), fmtPercent(d.waitShare)],
        })),
      },
      facts,
    };
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-timeline-chart': TimelineChart;
  }
}
