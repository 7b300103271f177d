import { describe, expect, it } from 'vitest';
import {
  fmtBytes,
  fmtMs,
  fmtNumber,
  fmtPercent,
  percentTicks,
} from '../../../src/ui/charts/format.ts';
import { LIGHT_SERIES, parseColorList, seriesLook } from '../../../src/ui/charts/palette.ts';

describe('format', () => {
  it('formats numbers, percents, milliseconds and bytes, with a dash for missing values', () => {
    expect(fmtNumber(0.123456)).toBe('0.1235');
    expect(fmtNumber(12345.6)).toBe('12350');
    expect(fmtNumber(1e-6)).toBe('1.000e-6');
    expect(fmtNumber(null)).toBe('–');
    expect(fmtNumber(Number.NaN)).toBe('–');
    expect(fmtPercent(0.9731)).toBe('97.3%');
    expect(fmtMs(3.14259)).toBe('3.14 ms');
    expect(fmtMs(250.4)).toBe('250 ms');
    expect(fmtBytes(512)).toBe('512 B');
    expect(fmtBytes(3 * 1024 * 1024)).toBe('3.00 MiB');
  });

  it('gives percent ticks enough decimals to differ', () => {
    expect(percentTicks([0, 0.5, 1], 0.5)).toEqual(['0%', '50%', '100%']);
    expect(percentTicks([0.97, 0.975, 0.98], 0.005)).toEqual(['97.0%', '97.5%', '98.0%']);
    expect(percentTicks([0.1, 0.2], 0.1)).toEqual(['10%', '20%']);
  });
});

describe('palette', () => {
  it('cycles colours and dashes the later cycles', () => {
    expect(seriesLook(LIGHT_SERIES, 0)).toEqual({ stroke: LIGHT_SERIES[0], dash: undefined });
    const ninth = seriesLook(LIGHT_SERIES, LIGHT_SERIES.length);
    expect(ninth.stroke).toBe(LIGHT_SERIES[0]);
    expect(ninth.dash).toBeDefined();
  });

  it('parses a custom property colour list', () => {
    expect(parseColorList(' #111 #222,#333 ,red ')).toEqual(['#111', '#222', '#333', 'red']);
    expect(parseColorList('')).toEqual([]);
  });
});
