import { describe, expect, it } from 'vitest';
import { axisSizeFor, fmtTick } from '../../../src/ui/charts/format.ts';

describe('fmtTick', () => {
  it('writes large and tiny values with an exponent, so a y axis never shows "000,000,000"', () => {
    expect(fmtTick(1_000_000_000)).toBe('1e9');
    expect(fmtTick(2_500_000)).toBe('2.5e6');
    expect(fmtTick(0.0002)).toBe('2e-4');
  });

  it('keeps ordinary values short, at most three significant digits', () => {
    expect(fmtTick(0)).toBe('0');
    expect(fmtTick(2.3)).toBe('2.3');
    expect(fmtTick(0.123456)).toBe('0.123');
    expect(fmtTick(12345)).toBe('12300');
    expect(fmtTick(Number.NaN)).toBe('');
  });
});

describe('axisSizeFor', () => {
  it('grows with the widest label and has a floor', () => {
    expect(axisSizeFor(['1', '2'])).toBe(48);
    expect(axisSizeFor(['1e9', '2.5e-10'])).toBeGreaterThan(axisSizeFor(['1e9']));
    expect(axisSizeFor(['1,000,000,000'])).toBeGreaterThanOrEqual(13 * 7 + 30);
    expect(axisSizeFor(null)).toBe(48);
  });
});
