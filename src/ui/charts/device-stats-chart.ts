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
  statName,
  statNames,
} from './chart-words.ts';
import { bandFill, bandSeries, deviceSeries, stepLineOptions } from './plot-options.ts';
import { type BandKind, deviceBand } from './shape-band.ts';
import { pickLayer } from './shape-common.ts';
import { type BatchStat, shapeDeviceStats } from './shape-device-stats.ts';
import type { ChartTheme } from './theme.ts';

/**
 * Each device's batch statistic for one tracked channel (thin lines), the global batch's (bold)
 * and device 0's running statistic (dashed): local BN normalizes with the thin lines, synchronized
 * BN with the bold one, and the thin lines scatter more as the per-device batch shrinks.
 */
@customElement('sbl-device-stats-chart')
export class DeviceStatsChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** Index into the layer's tracked channels (telemetry.bn[layer].channels), not a channel id. */
  @property({ type: Number }) channel = 0;
  @property() stat: BatchStat = 'mean';
  /** The spread across devices drawn as a band: min–max or mean ± 1 std. */
  @property() band: BandKind = 'minmax';
  /** Also draw each device's own line (1 px hairlines). */
  @property({ type: Boolean, attribute: 'show-devices' }) showDevices = false;

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const channel = picked?.data.channels[this.channel] ?? this.channel;
    const name = statName(this.statKey());
    if (!picked) {
      const where = this.layer || anyBnLayer();
      return msg(str`Per-device batch ${name}: ${where}`);
    }
    const layer = picked.name;
    return msg(str`Per-device batch ${name}: ${layer}, channel ${channel}`);
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return noTelemetryYet();
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) return noLayerStats(this.layer);
    const stat = this.statKey();
    const shaped = shapeDeviceStats(picked.data, t.devices, this.channel, stat);
    if (!shaped) {
      const index = this.channel;
      const tracked = picked.data.channels.length;
      return msg(str`Channel index ${index} is not tracked (tracked: ${tracked}).`);
    }
    if (!shaped.latest) return noStepsYet();
    const value = (_u: uPlot, v: number | null): string => fmtNumber(v);
    const K = t.devices;
    const deviceCols = shaped.data.slice(1, 1 + K) as (number | null)[][];
    const bandKind: BandKind = this.band === 'std' ? 'std' : 'minmax';
    const band = deviceBand(deviceCols, bandKind);
    const bandColor = seriesLook(theme.series, 0).stroke;
    const globalBatch = msg('global batch');
    const running0 = msg('running (device 0)');
    const series: uPlot.Series[] = [
      ...bandSeries(theme, bandKind, bandColor),
      ...(this.showDevices ? deviceSeries(theme, K, 1) : []),
      { label: globalBatch, stroke: theme.fg, width: 3, points: { show: false }, value },
      {
        label: running0,
        stroke: theme.muted,
        width: 2,
        dash: [8, 5],
        points: { show: false },
        value,
      },
    ];
    const data: uPlot.AlignedData = [
      shaped.data[0],
      band.lo,
      band.hi,
      band.mid,
      ...(this.showDevices ? deviceCols : []),
      shaped.data[1 + K] ?? [],
      shaped.data[2 + K] ?? [],
    ];
    const legend: LegendEntry[] = [
      ...deviceBandLegend(theme, bandKind, bandColor, K, this.showDevices),
      { label: globalBatch, color: theme.fg, mark: 'solid' },
      { label: running0, color: theme.muted, mark: 'dashed' },
    ];
    const name = statName(stat);
    const latest = shaped.latest;
    // Summary rows first: with many devices the table scrolls and these matter most.
    const rows: ValueRow[] = [
      { label: globalBatch, color: theme.fg, cells: [fmtNumber(latest.global)] },
      { label: running0, color: theme.muted, cells: [fmtNumber(latest.running)] },
      { label: msg('spread (max − min over devices)'), cells: [fmtNumber(latest.spread)] },
      ...latest.devices.map((v, k) => ({
        label: deviceLabel(k),
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(v)],
      })),
    ];
    return {
      key: `stats|${picked.name}|${stat}|${K}|${bandKind}|${this.showDevices}`,
      options: {
        ...stepLineOptions(
          theme,
          msg(str`batch ${name}, channel ${shaped.channel}`),
          series,
          {},
          false,
        ),
        bands: [bandFill(2, 1, bandColor)],
      },
      data,
      legend,
      label: statsLabel({
        name,
        names: statNames(stat),
        channel: shaped.channel,
        layer: picked.name,
        owners: devicesOwners(K),
        band: bandWords(bandKind),
        showDevices: this.showDevices,
      }),
      table: {
        caption: msg(str`Batch ${name} at step ${latest.step}`),
        columns: [msg('Series', { desc: 'Column heading: a chart series' }), name],
        rows,
      },
    };
  }

  private statKey(): BatchStat {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

/** The plot's text equivalent, with and without each device's own line. */
function statsLabel(w: {
  name: string;
  names: string;
  channel: number | string;
  layer: string;
  owners: string;
  band: string;
  showDevices: boolean;
}): string {
  const { name, names, channel, layer, owners, band } = w;
  return w.showDevices
    ? msg(
        str`Line chart of the batch ${name} of channel ${channel} in ${layer} against optimizer step: ${owners} own batch ${names} as a band (${band}) with each device as a thin line, the global batch's ${name} and device 0's running ${name}.`,
      )
    : msg(
        str`Line chart of the batch ${name} of channel ${channel} in ${layer} against optimizer step: ${owners} own batch ${names} as a band (${band}), the global batch's ${name} and device 0's running ${name}.`,
      );
}

declare global {
  interface HTMLElementTagNameMap {
    'sbl-device-stats-chart': DeviceStatsChart;
  }
}
