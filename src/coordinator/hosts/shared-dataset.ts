import type { Dataset } from '../../data/dataset.ts';

/**
 * The dataset in shared memory, so every worker reads one copy instead of each receiving its own
 * clone (W × 25 MB for the MNIST training set). Workers only read it. Where shared memory is
 * missing (a page that is not cross-origin isolated) the dataset is returned as it is.
 */
export function shareDataset(ds: Dataset, shared: boolean): Dataset {
  if (!shared || ds.x.buffer instanceof SharedArrayBuffer) return ds;
  const x = new Float32Array(new SharedArrayBuffer(ds.x.byteLength));
  x.set(ds.x);
  const y = new Int32Array(new SharedArrayBuffer(ds.y.byteLength));
  y.set(ds.y);
  return { ...ds, x, y };
}
