import type { LegendEntry } from './base-chart.ts';
import { seriesLook } from './palette.ts';
import { msg, str } from '@lit/localize';
import { bandWords, deviceLabel } from './chart-words.ts';
import type { BandKind } from './shape-band.ts';
import type { ChartTheme } from './theme.ts';

/** The legend of a per-device chart: the devices' band, then each device when it is shown. */
export function deviceBandLegend(
  theme: ChartTheme,
  bandKind: BandKind,
  bandColor: string,
  devices: number,
  showDevices: boolean,
): LegendEntry[] {
  const band = bandWords(bandKind);
  return [
    {
      label: msg(str`devices: ${band}, line at their mean`),
      color: bandColor,
      mark: 'band',
    },
    ...(showDevices
      ? Array.from({ length: devices }, (_, k) => ({
          label: deviceLabel(k),
          color: seriesLook(theme.series, k).stroke,
          mark: 'faint' as const,
        }))
      : []),
  ];
}
