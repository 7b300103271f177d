import type { ModelSpec } from '../model-spec.ts';
import { mobileNetV2 } from './mobilenet-v2.ts';
import { resnet } from './resnet.ts';
import { resnet50Fpn } from './resnet50-fpn.ts';

/** The real architectures the cost model knows, by the id the CLI and the app use. */
export const ARCHITECTURES = [
  { id: 'resnet18', label: 'ResNet-18 (224×224)', build: () => resnet(18) },
  { id: 'resnet50', label: 'ResNet-50 (224×224)', build: () => resnet(50) },
  { id: 'resnet101', label: 'ResNet-101 (224×224)', build: () => resnet(101) },
  { id: 'mobilenetv2', label: 'MobileNetV2 (224×224)', build: () => mobileNetV2() },
  {
    id: 'resnet50-fpn',
    label: 'ResNet-50-FPN detection backbone (800×1344)',
    build: () => resnet50Fpn(),
  },
] as const satisfies readonly { id: string; label: string; build: () => ModelSpec }[];

export type ArchitectureId = (typeof ARCHITECTURES)[number]['id'];

export const ARCHITECTURE_IDS: readonly ArchitectureId[] = ARCHITECTURES.map((a) => a.id);

export function architecture(id: ArchitectureId): ModelSpec {
  const found = ARCHITECTURES.find((a) => a.id === id);
  if (!found) throw new Error(`unknown architecture "${id}"`);
  return found.build();
}
