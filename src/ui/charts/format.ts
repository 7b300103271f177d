/** Text for the latest-values tables: fixed significant digits, an en dash for missing values. */

export const MISSING = '–';

export function fmtNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e6 || abs < 1e-4) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

export function fmtPercent(v: number | null | undefined, decimals = 1): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return `${(v * 100).toFixed(decimals)}%`;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB'];

export function fmtBytes(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return MISSING;
  let unit = 0;
  let x = v;
  while (Math.abs(x) >= 1024 && unit < BYTE_UNITS.length - 1) {
    x /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(x)} B` : `${x.toFixed(x < 10 ? 2 : 1)} ${BYTE_UNITS[unit]}`;
}

/** Percent tick labels with just enough decimals to tell neighbouring ticks apart. */
export function percentTicks(splits: readonly number[], increment: number): string[] {
  const decimals = Math.max(0, Math.min(4, Math.ceil(-Math.log10(increment * 100) - 1e-9)));
  return splits.map((v) => `${(v * 100).toFixed(decimals)}%`);
}
