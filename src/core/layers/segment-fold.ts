/**
 * The sum of per-segment (per-device) float32 gradients as an all-reduce in device order gives it:
 * each element ((g₀ + g₁) + g₂) + … added in float64 in segment order and rounded once to float32
 * (`sumInOrder` in the collectives). Layers use it for `GradSegments.summed` where no kernel does
 * the whole sum (Conv2d's weights and biases, Dense's bias; Dense's weights go through
 * `segmentSums`), folding segments' gradients into the accumulator while they are still in cache,
 * up to four at a time (written into `part(0…3)`), instead of keeping one vector per device.
 */
export class SegmentFold {
  static readonly WIDTH = 4;
  private acc = new Float64Array(0);
  private readonly parts = [0, 1, 2, 3].map(() => new Float32Array(0));

  /** Float32 scratch `slot` (0…3) of `length` values, for one segment's gradient. */
  part(slot: number, length: number): Float32Array {
    if (this.parts[slot]!.length < length) this.parts[slot] = new Float32Array(length);
    return this.parts[slot]!.subarray(0, length);
  }

  /**
   * Fold parts 0…count−1 (the next `count` segments, in order) into the first `length`
   * accumulators; `first`: they are segments 0… (the accumulator starts from part 0).
   */
  add(first: boolean, count: number, length: number): void {
    if (this.acc.length < length)
      this.acc = new Float64Array(Math.max(length, 2 * this.acc.length));
    const acc = this.acc;
    const [p0, p1, p2, p3] = this.parts as [Float32Array, Float32Array, Float32Array, Float32Array];
    if (first && count === 4) {
      for (let i = 0; i < length; i++) acc[i] = p0[i]! + p1[i]! + p2[i]! + p3[i]!;
      return;
    }
    let from = 0;
    if (first) {
      for (let i = 0; i < length; i++) acc[i] = p0[i]!;
      from = 1;
    }
    // Added one after another, left to right: the same float64 operations as one at a time.
    if (from === 0 && count === 4) {
      for (let i = 0; i < length; i++) acc[i] = acc[i]! + p0[i]! + p1[i]! + p2[i]! + p3[i]!;
      return;
    }
    if (from === 1 && count === 4) {
      for (let i = 0; i < length; i++) acc[i] = acc[i]! + p1[i]! + p2[i]! + p3[i]!;
      return;
    }
    for (let s = from; s < count; s++) {
      const p = this.parts[s]!;
      for (let i = 0; i < length; i++) acc[i] = acc[i]! + p[i]!;
    }
  }

  /** Round the accumulated sum once into `out` (its length). */
  writeTo(out: Float32Array): void {
    const acc = this.acc;
    for (let i = 0; i < out.length; i++) out[i] = acc[i]!;
  }
}
