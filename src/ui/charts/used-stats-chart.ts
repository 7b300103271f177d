import { msg, str } from '@lit/localize';
import { customElement, property } from 'lit/decorators.js';
import type uPlot from 'uplot';
import type { Telemetry } from '../../coordinator/telemetry.ts';
import { type ChartView, type LegendEntry, UPlotChart, type ValueRow } from './base-chart.ts';
import { fmtNumber } from './format.ts';
import {
  anyBnLayer,
  deviceLabel,
  noLayerStats,
  noStepsYet,
  noTelemetryYet,
  statName,
  statNames,
} from './chart-words.ts';
import { seriesLook } from './palette.ts';
import { bandFill, bandSeries, deviceSeries, stepLineOptions } from './plot-options.ts';
import { deviceBand } from './shape-band.ts';
import { pickLayer } from './shape-common.ts';
import type { BatchStat } from './shape-device-stats.ts';
import { shapeUsedStats } from './shape-used-stats.ts';
import type { ChartTheme } from './theme.ts';

/**
 * What each device normalizes with: per device, the statistic its BN used (a line each) over the
 * band of the devices' own batch statistics. Under SyncBN every device used the global batch's,
 * so the lines coincide on one; under local BN each used its own, so they scatter like the band;
 * under group:g they gather in g-sized groups.
 */
@customElement('sbl-used-stats-chart')
export class UsedStatsChart extends UPlotChart {
  @property({ attribute: false }) telemetry: Telemetry | null = null;
  /** BN layer name; empty picks the first layer recorded. */
  @property() layer = '';
  /** Index into the layer's tracked channels, not a channel id. */
  @property({ type: Number }) channel = 0;
  @property() stat: BatchStat = 'mean';

  protected override caption(): string {
    const picked = this.telemetry ? pickLayer(this.telemetry.bn, this.layer) : null;
    const channel = picked?.data.channels[this.channel] ?? this.channel;
    const name = statName(this.statKey());
    if (!picked) {
      const where = this.layer || anyBnLayer();
      return msg(str`What each device normalizes with (${name}): ${where}`);
    }
    const layer = picked.name;
    return msg(str`What each device normalizes with (${name}): ${layer}, channel ${channel}`);
  }

  protected override makeView(theme: ChartTheme): ChartView | string {
    const t = this.telemetry;
    if (!t) return noTelemetryYet();
    const picked = pickLayer(t.bn, this.layer);
    if (!picked) return noLayerStats('');
    const stat = this.statKey();
    const shaped = shapeUsedStats(picked.data, t.devices, this.channel, stat);
    if (!shaped) return msg(str`Channel index ${this.channel} is not tracked.`);
    if (!shaped.latest) return noStepsYet();
    if (!shaped.recorded) {
      return msg(
        'This run was saved before the statistic each device normalized with was recorded.',
      );
    }
    const K = t.devices;
    const name = statName(stat);
    const names = statNames(stat);
    const layer = picked.name;
    const channel = shaped.channel;
    const normalizedWith = (k: number): string => msg(str`device ${k} normalized with`);
    const ownCols = shaped.data.slice(1, 1 + K) as (number | null)[][];
    const usedCols = shaped.data.slice(1 + K, 1 + 2 * K) as (number | null)[][];
    const band = deviceBand(ownCols, 'minmax');
    const bandColor = theme.muted;
    // Used lines at 1 px: wider noisy lines rasterize ~20× slower without a GPU (plot-options.ts);
    // drawn over each other under SyncBN they still read as one line.
    const series: uPlot.Series[] = [
      ...bandSeries(theme, 'minmax', bandColor).map((s, i) =>
        i === 2
          ? { ...s, label: msg('own batches: mean over devices'), width: 1, dash: [2, 3] }
          : s,
      ),
      ...deviceSeries(theme, K, 1).map((s, k) => ({
        ...s,
        label: normalizedWith(k),
        alpha: 1,
      })),
    ];
    const data: uPlot.AlignedData = [shaped.data[0], band.lo, band.hi, band.mid, ...usedCols];
    const legend: LegendEntry[] = [
      {
        label: msg(str`each device's own batch ${name}: min–max band`),
        color: bandColor,
        mark: 'band',
      },
      ...Array.from({ length: K }, (_, k) => ({
        label: normalizedWith(k),
        color: seriesLook(theme.series, k).stroke,
        mark: 'solid' as const,
      })),
    ];
    const latest = shaped.latest;
    const rows: ValueRow[] = [
      {
        label: msg('spread of what the devices normalized with (max − min)'),
        cells: [MISSING_CELL, fmtNumber(latest.usedSpread)],
      },
      {
        label: msg('spread of their own batches (max − min)'),
        cells: [fmtNumber(latest.ownSpread), MISSING_CELL],
      },
      ...latest.used.map((v, k) => ({
        label: deviceLabel(k),
        color: seriesLook(theme.series, k).stroke,
        cells: [fmtNumber(latest.own[k]), fmtNumber(v)],
      })),
    ];
    return {
      key: `used|${picked.name}|${stat}|${K}`,
      options: {
        ...stepLineOptions(theme, msg(str`batch ${name}, channel ${channel}`), series, {}, false),
        bands: [bandFill(2, 1, bandColor)],
      },
      data,
      legend,
      label: msg(
        str`Line chart of the ${name} each of the ${K} devices normalized with in ${layer}, channel ${channel}, against optimizer step (one line per device), over a band of the devices' own batch ${names} (min to max). Lines that coincide mean the devices normalized with one shared statistic (SyncBN); lines that scatter with the band mean each used its own (local BN).`,
      ),
      table: {
        caption: msg(
          str`Batch ${name} at step ${latest.step}: own batch and what it normalized with`,
        ),
        columns: [msg('Device'), msg(str`own batch ${name}`), msg('normalized with')],
        rows,
      },
    };
  }

  private statKey(): BatchStat {
    return this.stat === 'var' ? 'var' : 'mean';
  }
}

const MISSING_CELL = '–';

declare global {
  interface HTMLElementTagNameMap {
    'sbl-used-stats-chart': UsedStatsChart;
  }
}
