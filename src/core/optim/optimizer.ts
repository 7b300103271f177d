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

/** Elements [from, to) of the flat parameter vector (every parameter in model order, end to end). */
export interface FlatRange {
  readonly from: number;
  readonly to: number;
}

export interface Optimizer {
  readonly kind: string;
  /**
   * Apply one update from each parameter's current `grad`, with learning rate `lr`: to every
   * element, or only to those in `range` (a ZeRO-1 shard: the rest is another worker's to update,
   * and their gradients need not be loaded). Every rule is elementwise, so a shard's elements get
   * exactly the bits a whole update gives them. `gradient`: read the gradients from this flat
   * vector (parameters end to end) instead of each Param's grad.
   */
  step(lr: number, range?: FlatRange, gradient?: Float32Array): void;
  /** Flat state vectors it keeps (momentum: 1; Adam's two moments: 2; plain SGD: 0). */
  readonly stateVectors: number;
  /**
   * Keep the state in `vectors` from now on (each of the flat parameter length, in model order):
   * the current state is copied in and the optimizer works on them in place. Workers that share
   * one replica through shared memory pass the same vectors, so the state a checkpoint reads from
   * any of them is whole although each updates only its shard.
   */
  moveState(vectors: readonly Float32Array[]): void;
  /** Steps taken so far. */
  readonly steps: number;
  /** A copy of the state (safe to keep or post to another thread). */
  state(): OptimizerState;
  /** Restore a state taken from an optimizer of the same kind over parameters of the same names and sizes. */
  loadState(state: OptimizerState): void;
}

/** One state slot per parameter (e.g. Adam's first moment), allocated once. */
export class ParamSlots {
  arrays: Float32Array[];

  constructor(
    readonly slot: string,
    params: readonly Param[],
  ) {
    this.arrays = params.map((p) => new Float32Array(p.value.length));
  }

  /** Copy the slot into `flat` (parameters end to end) and use views of it from now on. */
  moveTo(flat: Float32Array): void {
    let at = 0;
    this.arrays = this.arrays.map((a) => {
      if (at + a.length > flat.length) {
        throw new Error(`${this.slot}: a state vector of ${flat.length} values is too short`);
      }
      const view = flat.subarray(at, at + a.length);
      view.set(a);
      at += a.length;
      return view;
    });
  }
}

/** Move each slot into its flat vector (`Optimizer.moveState`). */
export function moveSlots(
  kind: string,
  slots: readonly ParamSlots[],
  vectors: readonly Float32Array[],
) {
  if (vectors.length !== slots.length) {
    throw new Error(`${kind}: keeps ${slots.length} state vectors, was given ${vectors.length}`);
  }
  slots.forEach((s, i) => {
    s.moveTo(vectors[i]!);
  });
}

/** Parameter `p`'s gradient elements [a, b): from the flat `gradient` at `offset`, or its grad. */
export function gradientOf(
  param: Param,
  a: number,
  b: number,
  offset: number,
  gradient: Float32Array | undefined,
): Float32Array {
  if (gradient) return gradient.subarray(offset + a, offset + b);
  return a === 0 && b === param.grad.length ? param.grad : param.grad.subarray(a, b);
}

/**
 * For each parameter that overlaps `range` (all of them without one): its index, the part [a, b)
 * of its own elements inside the range, and where it starts in the flat vector.
 */
export function forEachInRange(
  params: readonly Param[],
  range: FlatRange | undefined,
  fn: (index: number, a: number, b: number, offset: number) => void,
): void {
  let offset = 0;
  for (let p = 0; p < params.length; p++) {
    const n = params[p]!.value.length;
    const a = range ? Math.max(0, range.from - offset) : 0;
    const b = range ? Math.min(n, range.to - offset) : n;
    if (a < b) fn(p, a, b, offset);
    offset += n;
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
