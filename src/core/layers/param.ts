import type { Param } from '../layer.ts';
import { sizeOf } from '../tensor.ts';

export function createParam(name: string, shape: readonly number[], decay: boolean): Param {
  const size = sizeOf(shape);
  return {
    name,
    shape: [...shape],
    value: new Float32Array(size),
    grad: new Float32Array(size),
    decay,
  };
}
