import type { ModelSpec } from '../model-spec.ts';
import { ArchitectureBuilder } from './builder.ts';

/**
 * MobileNetV2 (Sandler et al. 2018) as torchvision defines it (width 1.0): stem conv 3×3/2 to 32
 * + BN; inverted residual blocks given as (expansion t, output channels c, repeats n, stride s):
 * each is [conv1×1 to t·Cin + BN when t ≠ 1] → depthwise conv3×3 (stride s on the first repeat) +
 * BN → conv1×1 to c + BN; then conv1×1 to 1280 + BN, global pool, dropout, fc to 1000 classes.
 */
const BLOCKS: readonly (readonly [t: number, c: number, n: number, s: number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

export function mobileNetV2(height = 224, width = height, classes = 1000): ModelSpec {
  const b = new ArchitectureBuilder({ channels: 3, height, width });
  b.convBn('features.0', 32, 3, 2);
  let index = 1;
  for (const [t, c, n, s] of BLOCKS) {
    for (let i = 0; i < n; i++) {
      const name = `features.${index++}`;
      const hidden = b.map.channels * t;
      if (t !== 1) b.convBn(`${name}.expand`, hidden, 1);
      b.convBn(`${name}.depthwise`, hidden, 3, i === 0 ? s : 1, hidden);
      b.convBn(`${name}.project`, c, 1);
    }
  }
  b.convBn(`features.${index}`, 1280, 1).globalPool().linear('classifier', classes);
  return { label: `MobileNetV2 at ${height}×${width}`, layers: b.layers };
}
