import type { LegendEntry } from './base-chart.ts';
import { seriesLook } from './palette.ts';
import { BAND_WORDS } from './plot-options.ts';
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
  return [
    {
      label: `devices: ${BAND_WORDS[bandKind]}, line at their mean`,
      color: bandColor,
      mark: 'band',
    },
    ...(showDevices
      ? Array.from({ length: devices }, (_, k) => ({
          label: `device ${k}`,
          color: seriesLook(theme.series, k).stroke,
          mark: 'faint' as const,
        }))
      : []),
  ];
}
