import type { Param } from '../../../src/core/layer.ts';

export function param(name: string, values: number[], decay = true): Param {
  return {
    name,
    shape: [values.length],
    value: Float32Array.from(values),
    grad: new Float32Array(values.length),
    decay,
  };
}

export function setGrad(p: Param, g: number[]): void {
  p.grad.set(g);
}
