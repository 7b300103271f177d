import { describe, expect, it } from 'vitest';
import {
  CALIBRATION_CASES,
  fitAlphas,
  modelledUs,
  NETWORK_ALPHA_FLOOR_US,
} from '../../src/cost/calibration.ts';
import {
  ALPHA_BASE_US,
  ALPHA_NETWORK_US,
  ALPHA_NVLINK_US,
  ALPHA_PCIE_US,
} from '../../src/cost/links.ts';

const presets = {
  baseUs: ALPHA_BASE_US,
  nvlinkUs: ALPHA_NVLINK_US,
  pcieUs: ALPHA_PCIE_US,
  networkUs: ALPHA_NETWORK_US,
};

describe('calibration against published small-message latencies', () => {
  it.each(CALIBRATION_CASES.map((c) => [c.label, c] as const))(
    '%s: the presets reproduce it within ±30%%',
    (_label, c) => {
      const modelled = modelledUs(c, presets);
      expect(Math.abs(modelled / c.measuredUs - 1)).toBeLessThanOrEqual(0.3);
    },
  );

  it('the presets are the fit, rounded', () => {
    const fit = fitAlphas();
    expect(fit.networkUs).toBeGreaterThanOrEqual(NETWORK_ALPHA_FLOOR_US);
    expect(presets.baseUs).toBeCloseTo(fit.baseUs, 1);
    expect(presets.nvlinkUs).toBeCloseTo(fit.nvlinkUs, 1);
    expect(presets.pcieUs).toBeCloseTo(fit.pcieUs, 1);
    expect(presets.networkUs).toBeCloseTo(fit.networkUs, 1);
  });
});
