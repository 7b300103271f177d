import type { ModelSpec } from '../model-spec.ts';
import { ArchitectureBuilder } from './builder.ts';

/**
 * ResNet (He et al. 2016) as torchvision defines it: stem conv 7×7/2 + BN + max-pool 3×3/2, four
 * stages of blocks (widths 64, 128, 256, 512; the first block of stages 2–4 strides by 2 in its
 * 3×3 conv, torchvision's "v1.5"), a projection shortcut (conv 1×1 + BN) where the shape changes,
 * global average pool, fc to 1000 classes.
 * - basic block (ResNet-18/34): conv3×3 + BN, conv3×3 + BN;
 * - bottleneck (ResNet-50/101/152): conv1×1 + BN, conv3×3 + BN, conv1×1 (×4 channels) + BN.
 */
export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

const STAGES: Record<ResNetDepth, { blocks: readonly number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
  152: { blocks: [3, 8, 36, 3], bottleneck: true },
};

const WIDTHS = [64, 128, 256, 512] as const;

/** The convolutional trunk (stem and four stages) of a ResNet; returns each stage's builder end. */
export function resnetTrunk(
  depth: ResNetDepth,
  height: number,
  width: number,
): {
  body: ArchitectureBuilder;
  stageOutputs: { channels: number; height: number; width: number }[];
} {
  const { blocks, bottleneck } = STAGES[depth];
  const b = new ArchitectureBuilder({ channels: 3, height, width });
  b.convBn('stem', 64, 7, 2).maxPool(3, 2, 1);
  const stageOutputs: { channels: number; height: number; width: number }[] = [];
  blocks.forEach((count, s) => {
    const planes = WIDTHS[s]!;
    const out = bottleneck ? planes * 4 : planes;
    for (let i = 0; i < count; i++) {
      const name = `layer${s + 1}.${i}`;
      const stride = i === 0 && s > 0 ? 2 : 1;
      const input = { ...b.map };
      if (bottleneck) {
        b.convBn(`${name}.1`, planes, 1)
          .convBn(`${name}.2`, planes, 3, stride)
          .convBn(`${name}.3`, out, 1);
      } else {
        b.convBn(`${name}.1`, planes, 3, stride).convBn(`${name}.2`, planes, 3);
      }
      if (stride !== 1 || input.channels !== out) {
        const shortcut = b.branch(input);
        shortcut.convBn(`${name}.downsample`, out, 1, stride);
        b.absorb(shortcut);
      }
    }
    stageOutputs.push({ ...b.map });
  });
  return { body: b, stageOutputs };
}

export function resnet(
  depth: ResNetDepth,
  height = 224,
  width = height,
  classes = 1000,
): ModelSpec {
  const { body } = resnetTrunk(depth, height, width);
  body.globalPool().linear('fc', classes);
  return { label: `ResNet-${depth} at ${height}×${width}`, layers: body.layers };
}
