import type { Param } from '../layer.ts';

/**
 * Everything an optimizer carries between steps, keyed so that a checkpoint can be restored into
 * a freshly built model: `buffers` maps "<param name>.<slot>" (e.g. "fc1.weight.momentum") to a
 * copy of that slot.
 */
export interface OptimizerState {
  readonly kind: string;
  /** Steps taken so far (Adam's bias correction reads it). */
  readonly step: number;
  readonly buffers: Record<string, Float32Array>;
}

export interface Optimizer {
  readonly kind: string;
  /** Apply one update to every parameter from its current `grad`, with learning rate `lr`. */
  step(lr: number): void;
  /** Steps taken so far. */
  readonly steps: number;
  /** A copy of the state (safe to keep or post to another thread). */
  state(): OptimizerState;
  /** Restore a state taken from an optimizer of the same kind over parameters of the same names and sizes. */
  loadState(state: OptimizerState): void;
}

/** One state slot per parameter (e.g. Adam's first moment), allocated once. */
export class ParamSlots {
  readonly arrays: Float32Array[];

  constructor(
    readonly slot: string,
    params: readonly Param[],
  ) {
    this.arrays = params.map((p) => new Float32Array(p.value.length));
  }
}

export function checkParams(kind: string, params: readonly Param[]): void {
  const names = new Set<string>();
  for (const p of params) {
    if (names.has(p.name)) throw new Error(`${kind}: duplicate parameter name "${p.name}"`);
    names.add(p.name);
    if (p.grad.length !== p.value.length) {
      throw new Error(
        `${kind}: parameter "${p.name}" has ${p.value.length} values but ${p.grad.length} gradients`,
      );
    }
  }
}

export function exportState(
  kind: string,
  step: number,
  params: readonly Param[],
  slots: readonly ParamSlots[],
): OptimizerState {
  const buffers: Record<string, Float32Array> = {};
  for (const s of slots) {
    for (let i = 0; i < params.length; i++)
      buffers[`${params[i]!.name}.${s.slot}`] = s.arrays[i]!.slice();
  }
  return { kind, step, buffers };
}

/** Copies `state` into the existing slots (no reallocation); returns the restored step count. */
export function importState(
  kind: string,
  state: OptimizerState,
  params: readonly Param[],
  slots: readonly ParamSlots[],
): number {
  if (state.kind !== kind)
    throw new Error(`${kind}: cannot load the state of a ${state.kind} optimizer`);
  if (!Number.isInteger(state.step) || state.step < 0) {
    throw new Error(`${kind}: state step must be a non-negative integer, got ${state.step}`);
  }
  const expected = new Set<string>();
  for (const s of slots) {
    for (let i = 0; i < params.length; i++) {
      const key = `${params[i]!.name}.${s.slot}`;
      expected.add(key);
      const src = state.buffers[key];
      if (!src) throw new Error(`${kind}: state has no buffer "${key}"`);
      const dst = s.arrays[i]!;
      if (src.length !== dst.length) {
        throw new Error(
          `${kind}: state buffer "${key}" has ${src.length} values, expected ${dst.length}`,
        );
      }
      dst.set(src);
    }
  }
  for (const key of Object.keys(state.buffers)) {
    if (!expected.has(key)) throw new Error(`${kind}: state buffer "${key}" matches no parameter`);
  }
  return state.step;
}
