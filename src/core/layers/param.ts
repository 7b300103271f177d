import type { Buffer, Param } from '../layer.ts';
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

/** A named state vector (running statistics and the like), filled with `fill`. */
export function createBuffer(name: string, length: number, fill = 0): Buffer {
  return { name, shape: [length], value: new Float32Array(length).fill(fill) };
}
