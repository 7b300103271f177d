/**
 * An Int32Array over the same bytes as a Float32Array, cached for the last array seen, so
 * branch-free bit tricks on float data allocate nothing in steady state.
 */
export class Int32View {
  private source: Float32Array | null = null;
  private view: Int32Array = new Int32Array(0);

  of(data: Float32Array): Int32Array {
    if (data !== this.source) {
      this.source = data;
      this.view = new Int32Array(data.buffer, data.byteOffset, data.length);
    }
    return this.view;
  }
}

/**
 * A signed integer whose order matches the float order of the float32 with bits `b` (−0 and +0
 * map to the same key; NaNs with the sign bit clear sort above +∞, as if they won every max).
 */
export function orderKey(b: number): number {
  return (b ^ ((b >> 31) & 0x7fffffff)) + (b >>> 31);
}
