import { customElement, property } from 'lit/decorators.js';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, UPlotChart, type ValueRow } from './base-chart.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import { deviceSeries, stepLineOptions } from './plot-options.ts';
import { pickLayer } from './shape-common.ts';
import { type NoiseKind, shapeNoise } from './shape-noise.ts';
import type { ChartTheme } from './theme.ts';

/** Short enough for an axis title; the accessible name spells out "over channels". */
const AXIS: Record<NoiseKind, string> = {
  mean: 'RMS (μₖ − μ)/σ',
  var: 'RMS log(σ²ₖ/σ²)',
};

/** How far each device's batch statistics sit from the global batch's, step by step. */
@customElement('sbl-noise-chart')
export class NoiseChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** 'mean' (default) plots meanNoise, 'var' plots varNoise. */
  @property() stat: NoiseKind = 'mean';

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const what = this.kind() === 'mean' ? 'mean' : 'variance';
    return `Per-device ${what} noise: ${picked?.name ?? (this.layer || 'BN layer')}`;
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return 'No telemetry yet.';
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) {
      return this.layer
        ? `No statistics recorded for layer ${this.layer}.`
        : 'No BN layer statistics yet.';
    }
    const kind = this.kind();
    const shaped = shapeNoise(picked.data, t.devices, kind);
    if (!shaped.latest) return 'No steps recorded yet.';
    const series = deviceSeries(theme, t.devices, 1);
    const latest = shaped.latest;
    const rows: ValueRow[] = [
      { label: 'average over devices', cells: [fmtNumber(latest.average)] },
      ...latest.devices.map((v, k) => ({
        label: `device ${k}`,
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(v)],
      })),
    ];
    return {
      key: `noise|${picked.name}|${kind}|${t.devices}`,
      options: stepLineOptions(theme, AXIS[kind], series, { size: 64 }),
      data: shaped.data,
      label: `Line chart of each of ${t.devices} device${t.devices === 1 ? "'s" : "s'"} ${AXIS[kind]} over all channels of ${picked.name}, against step.`,
      table: { caption: `Noise at step ${latest.step}`, columns: ['Device', AXIS[kind]], rows },
    };
  }

  private kind(): NoiseKind {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-noise-chart': NoiseChart;
  }
}
