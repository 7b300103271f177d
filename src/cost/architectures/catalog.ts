import type { ModelSpec } from '../model-spec.ts';
import { mobileNetV2 } from './mobilenet-v2.ts';
import { resnet } from './resnet.ts';
import { resnet50Fpn } from './resnet50-fpn.ts';

/** An input resolution in pixels (height × width). */
export interface Resolution {
  readonly height: number;
  readonly width: number;
}

/**
 * The real architectures the cost model knows, by the id the CLI and the app use, each built at
 * its usual input resolution (`defaultResolution`) or another one.
 */
export const ARCHITECTURES = [
  {
    id: 'resnet18',
    label: 'ResNet-18',
    defaultResolution: { height: 224, width: 224 },
    build: (r: Resolution = { height: 224, width: 224 }) => resnet(18, r.height, r.width),
  },
  {
    id: 'resnet50',
    label: 'ResNet-50',
    defaultResolution: { height: 224, width: 224 },
    build: (r: Resolution = { height: 224, width: 224 }) => resnet(50, r.height, r.width),
  },
  {
    id: 'resnet101',
    label: 'ResNet-101',
    defaultResolution: { height: 224, width: 224 },
    build: (r: Resolution = { height: 224, width: 224 }) => resnet(101, r.height, r.width),
  },
  {
    id: 'mobilenetv2',
    label: 'MobileNetV2',
    defaultResolution: { height: 224, width: 224 },
    build: (r: Resolution = { height: 224, width: 224 }) => mobileNetV2(r.height, r.width),
  },
  {
    id: 'resnet50-fpn',
    label: 'ResNet-50-FPN detection backbone',
    defaultResolution: { height: 800, width: 1344 },
    build: (r: Resolution = { height: 800, width: 1344 }) => resnet50Fpn(r.height, r.width),
  },
] as const satisfies readonly {
  id: string;
  label: string;
  defaultResolution: Resolution;
  build: (r?: Resolution) => ModelSpec;
}[];

export type ArchitectureId = (typeof ARCHITECTURES)[number]['id'];

export const ARCHITECTURE_IDS: readonly ArchitectureId[] = ARCHITECTURES.map((a) => a.id);

/** The layer list of architecture `id` at `resolution` (default: its usual one). */
export function architecture(id: ArchitectureId, resolution?: Resolution): ModelSpec {
  const found = ARCHITECTURES.find((a) => a.id === id);
  if (!found) throw new Error(`unknown architecture "${id}"`);
  if (resolution && !(resolution.height >= 32 && resolution.width >= 32)) {
    throw new RangeError(
      `resolution must be at least 32×32 (five stride-2 stages), got ${resolution.height}×${resolution.width}`,
    );
  }
  return found.build(resolution);
}
