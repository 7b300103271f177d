import type { ModelSpec } from '../model-spec.ts';
import { ArchitectureBuilder } from './builder.ts';
import { resnetTrunk } from './resnet.ts';

/**
 * The backbone of a Mask/Faster R-CNN detector: ResNet-50's trunk (no pool, no fc) at a detection
 * resolution, plus a Feature Pyramid Network (Lin et al. 2017) on stages 2–5: per level a lateral
 * conv1×1 to 256 and an output conv3×3 to 256, each followed by a norm as detectron2 builds it
 * with `norm: "SyncBN"` (torchvision's FPN has no norm), and P6 by max-pooling P5 (no parameters).
 * The RPN and box heads are not part of the backbone and are not counted.
 * Default resolution 800×1344: the short side 800 of the usual training scale, the long side
 * 1333 padded to a multiple of 32.
 */
export const FPN_CHANNELS = 256;

export function resnet50Fpn(height = 800, width = 1344): ModelSpec {
  const { body, stageOutputs } = resnetTrunk(50, height, width);
  stageOutputs.forEach((level, i) => {
    const branch = new ArchitectureBuilder(level);
    branch
      .conv(`fpn.lateral${i + 2}`, FPN_CHANNELS, 1)
      .bn(`fpn.lateral${i + 2}.norm`)
      .conv(`fpn.output${i + 2}`, FPN_CHANNELS, 3)
      .bn(`fpn.output${i + 2}.norm`);
    body.absorb(branch);
  });
  return { label: `ResNet-50-FPN backbone at ${height}×${width}`, layers: body.layers };
}
