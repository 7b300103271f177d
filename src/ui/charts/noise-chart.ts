import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, type LegendEntry, UPlotChart, type ValueRow } from './base-chart.ts';
import { deviceBandLegend } from './device-band-legend.ts';
import { fmtNumber } from './format.ts';
import { seriesLook } from './palette.ts';
import {
  anyBnLayer,
  bandWords,
  deviceLabel,
  devicesOwners,
  noLayerStats,
  noStepsYet,
  noTelemetryYet,
} from './chart-words.ts';
import { bandFill, bandSeries, deviceSeries, stepLineOptions } from './plot-options.ts';
import { type BandKind, deviceBand } from './shape-band.ts';
import { pickLayer } from './shape-common.ts';
import { type NoiseKind, shapeNoise } from './shape-noise.ts';
import type { ChartTheme } from './theme.ts';

/** Short enough for an axis title; the accessible name spells out "over channels". */
function axisTitle(kind: NoiseKind): string {
  return kind === 'var' ? msg('RMS log(σ²ₖ/σ²) (log ratio)') : msg('RMS (μₖ − μ)/σ (in σ)');
}

/** How far each device's batch statistics sit from the global batch's, step by step. */
@customElement('sbl-noise-chart')
export class NoiseChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** 'mean' (default) plots meanNoise, 'var' plots varNoise. */
  @property() stat: NoiseKind = 'mean';
  /** The spread across devices drawn as a band: min–max or mean ± 1 std. */
  @property() band: BandKind = 'minmax';
  /** Also draw each device's own line (1 px hairlines). */
  @property({ type: Boolean, attribute: 'show-devices' }) showDevices = false;

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const layer = picked?.name ?? (this.layer || anyBnLayer());
    return this.kind() === 'mean'
      ? msg(str`Per-device mean noise: ${layer}`)
      : msg(str`Per-device variance noise: ${layer}`);
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return noTelemetryYet();
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) return noLayerStats(this.layer);
    const kind = this.kind();
    const shaped = shapeNoise(picked.data, t.devices, kind);
    if (!shaped.latest) return noStepsYet();
    const K = t.devices;
    const deviceCols = shaped.data.slice(1, 1 + K) as (number | null)[][];
    const bandKind: BandKind = this.band === 'std' ? 'std' : 'minmax';
    const band = deviceBand(deviceCols, bandKind);
    const bandColor = seriesLook(theme.series, 0).stroke;
    const series = [
      ...bandSeries(theme, bandKind, bandColor),
      ...(this.showDevices ? deviceSeries(theme, K, 1) : []),
    ];
    const data: uPlot.AlignedData = [
      shaped.data[0],
      band.lo,
      band.hi,
      band.mid,
      ...(this.showDevices ? deviceCols : []),
    ];
    const legend: LegendEntry[] = [
      ...deviceBandLegend(theme, bandKind, bandColor, K, this.showDevices),
    ];
    const latest = shaped.latest;
    const axis = axisTitle(kind);
    const layer = picked.name;
    const owners = devicesOwners(K);
    const bandText = bandWords(bandKind);
    const rows: ValueRow[] = [
      { label: msg('average over devices'), cells: [fmtNumber(latest.average)] },
      ...latest.devices.map((v, k) => ({
        label: deviceLabel(k),
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(v)],
      })),
    ];
    return {
      key: `noise|${picked.name}|${kind}|${K}|${bandKind}|${this.showDevices}`,
      options: {
        ...stepLineOptions(theme, axis, series, {}, false),
        bands: [bandFill(2, 1, bandColor)],
      },
      data,
      legend,
      label: this.showDevices
        ? msg(
            str`Line chart of the ${axis} over all channels of ${layer} against optimizer step: ${owners} values as a band (${bandText}) with a line at their mean, and each device as a thin line.`,
          )
        : msg(
            str`Line chart of the ${axis} over all channels of ${layer} against optimizer step: ${owners} values as a band (${bandText}) with a line at their mean.`,
          ),
      table: {
        caption: msg(str`Noise at step ${latest.step}`),
        columns: [msg('Device'), axis],
        rows,
      },
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
