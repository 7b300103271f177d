import { describe, expect, it } from 'vitest';
import { ARCHITECTURES, architecture } from '../../src/cost/architectures/catalog.ts';
import { summarize } from '../../src/cost/model-spec.ts';

// Known facts: torchvision's parameter counts (exact), the MACs usually quoted as "GFLOPs",
// and the BN layers of the reference sheet.
const facts = {
  resnet18: { bn: 20, params: 11_689_512, gmacs: 1.82 },
  resnet50: { bn: 53, params: 25_557_032, gmacs: 4.09, bnChannels: 26_560 },
  resnet101: { bn: 104, params: 44_549_160, gmacs: 7.8 },
  mobilenetv2: { bn: 52, params: 3_504_872, gmacs: 0.3 },
} as const;

describe('architectures generated from their definitions', () => {
  it.each(Object.entries(facts))('%s matches the known figures', (id, f) => {
    const s = summarize(architecture(id as keyof typeof facts));
    expect(s.bnLayers).toBe(f.bn);
    expect(s.params).toBe(f.params);
    expect(s.macsPerSample / 1e9).toBeCloseTo(f.gmacs, 1);
    if ('bnChannels' in f) expect(s.bnChannels).toBe(f.bnChannels);
  });

  it('ResNet-50-FPN: ResNet-50 trunk (all 53 BN, no fc) + 8 FPN norms; MACs scale with the resolution', () => {
    const s = summarize(architecture('resnet50-fpn'));
    expect(s.bnLayers).toBe(53 + 8);
    // trunk 25,557,032 − fc (2048·1000 + 1000) + FPN: laterals Σ(256·Cin) + outputs 4·9·256² + norms
    const trunk = 25_557_032 - 2_049_000;
    const fpn = 256 * (256 + 512 + 1024 + 2048) + 4 * 9 * 256 * 256 + 8 * 2 * 256;
    expect(s.params).toBe(trunk + fpn);
    // The trunk at 800×1344 does ≥ (800·1344)/(224²) × ResNet-50's MACs minus the fc.
    expect(s.macsPerSample).toBeGreaterThan(((800 * 1344) / 224 ** 2) * 4.0e9);
  });

  it('another resolution: same layers and parameters, MACs of the convolutions scale with the pixels', () => {
    const at224 = summarize(architecture('resnet50'));
    const at448 = summarize(architecture('resnet50', { height: 448, width: 448 }));
    expect(at448.bnLayers).toBe(53);
    expect(at448.params).toBe(at224.params);
    const fcMacs = 2048 * 1000;
    expect(at448.macsPerSample - fcMacs).toBe(4 * (at224.macsPerSample - fcMacs));
    expect(() => architecture('resnet50', { height: 16, width: 16 })).toThrow(/at least 32×32/);
  });

  it('every catalogue entry builds', () => {
    for (const a of ARCHITECTURES) expect(summarize(a.build()).bnLayers).toBeGreaterThan(0);
  });
});
