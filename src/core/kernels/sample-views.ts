/**
 * Per-sample subarrays of a batch buffer, rebuilt only when the buffer or the sizes change, so
 * per-sample kernels can be handed exact views without allocating on every pass.
 */
export class SampleViews {
  private data: Float32Array | null = null;
  private size = -1;
  private views: Float32Array[] = [];

  get(data: Float32Array, count: number, size: number): readonly Float32Array[] {
    if (data !== this.data || size !== this.size || count !== this.views.length) {
      this.data = data;
      this.size = size;
      this.views = Array.from({ length: count }, (_, i) => data.subarray(i * size, (i + 1) * size));
    }
    return this.views;
  }
}
