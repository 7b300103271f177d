/**
 * NumPy's .npy and .npz formats, written (and read back, for tests and checks) without a package:
 * an .npy file is a 10-byte preamble, a Python-literal header and the raw little-endian array; an
 * .npz file is a zip archive of .npy files, which `numpy.load` opens. Compression is optional and
 * injected (raw DEFLATE, e.g. Node's zlib.deflateRawSync) so this file stays host-free.
 */

/** The element types a bundle needs: float32 values, float64 rates, int32 indices, int64 labels. */
export type NpyArray =
  | { readonly dtype: 'f4'; readonly shape: readonly number[]; readonly data: Float32Array }
  | { readonly dtype: 'f8'; readonly shape: readonly number[]; readonly data: Float64Array }
  | { readonly dtype: 'i4'; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly dtype: 'i8'; readonly shape: readonly number[]; readonly data: BigInt64Array };

export type RawDeflate = (bytes: Uint8Array) => Uint8Array;

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** One array as the bytes of an .npy file (format version 1.0, C order, little-endian). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const count = array.shape.reduce((n, d) => n * d, 1);
  if (count !== array.data.length) {
    throw new Error(
      `npy: shape [${array.shape.join(', ')}] needs ${count} values, got ${array.data.length}`,
    );
  }
  const dims = array.shape;
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '<${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // The preamble (10 bytes) plus the header, ending in '\n', is padded to a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64);
  header += '\n';
  const body = new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const out = new Uint8Array(10 + header.length + body.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, 10 + header.length);
  return out;
}

/** Arrays by name as the bytes of an .npz file (numpy.savez / savez_compressed layout). */
export function encodeNpz(arrays: ReadonlyMap<string, NpyArray>, deflate?: RawDeflate): Uint8Array {
  const entries = [...arrays].map(([name, array]) => {
    const raw = encodeNpy(array);
    const stored = deflate ? deflate(raw) : raw;
    return { name: new TextEncoder().encode(`${name}.npy`), raw, stored, crc: crc32(raw) };
  });
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const method = deflate ? 8 : 0;
    const local = zipHeader(0x04034b50, 30, e, method);
    parts.push(local, e.name, e.stored);
    const dir = zipHeader(0x02014b50, 46, e, method);
    new DataView(dir.buffer).setUint32(42, offset, true);
    central.push(dir, e.name);
    offset += local.length + e.name.length + e.stored.length;
  }
  const centralSize = central.reduce((n, p) => n + p.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, entries.length, true);
  v.setUint16(10, entries.length, true);
  v.setUint32(12, centralSize, true);
  v.setUint32(16, offset, true);
  return concat([...parts, ...central, end]);
}

interface ZipEntry {
  readonly name: Uint8Array;
  readonly raw: Uint8Array;
  readonly stored: Uint8Array;
  readonly crc: number;
}

/** A local file header (30 bytes) or a central directory header (46 bytes) for `e`. */
function zipHeader(signature: number, size: number, e: ZipEntry, method: number): Uint8Array {
  const h = new Uint8Array(size);
  const v = new DataView(h.buffer);
  const central = size === 46;
  const at = central ? 2 : 0; // the central header has "version made by" before the shared part
  v.setUint32(0, signature, true);
  if (central) v.setUint16(4, 20, true);
  v.setUint16(4 + at, 20, true); // version needed: 2.0
  v.setUint16(8 + at, method, true);
  v.setUint16(10 + at, 0, true); // time
  v.setUint16(12 + at, 0x21, true); // date: 1980-01-01, so the bytes never depend on the clock
  v.setUint32(14 + at, e.crc, true);
  v.setUint32(18 + at, e.stored.length, true);
  v.setUint32(22 + at, e.raw.length, true);
  v.setUint16(26 + at, e.name.length, true);
  return h;
}

export type RawInflate = (bytes: Uint8Array) => Uint8Array;

/** The arrays of an .npz file this module (or numpy) wrote; `inflate` for compressed entries. */
export function decodeNpz(bytes: Uint8Array, inflate?: RawInflate): Map<string, NpyArray> {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, NpyArray>();
  let at = 0;
  while (at + 4 <= bytes.length && v.getUint32(at, true) === 0x04034b50) {
    const method = v.getUint16(at + 8, true);
    const flags = v.getUint16(at + 6, true);
    if (flags & 0x08) throw new Error('npz: entries with a trailing data descriptor are not read');
    const storedSize = v.getUint32(at + 18, true);
    const nameLength = v.getUint16(at + 26, true);
    const extraLength = v.getUint16(at + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength));
    const start = at + 30 + nameLength + extraLength;
    const stored = bytes.subarray(start, start + storedSize);
    let raw: Uint8Array;
    if (method === 0) raw = stored;
    else if (method === 8 && inflate) raw = inflate(stored);
    else
      throw new Error(`npz: ${name} uses compression method ${method}; pass an inflate function`);
    out.set(name.replace(/\.npy$/, ''), decodeNpy(raw, name));
    at = start + storedSize;
  }
  return out;
}

/** One .npy file's array (the dtypes of NpyArray only). */
export function decodeNpy(bytes: Uint8Array, name = 'npy'): NpyArray {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new Error(`${name}: not an .npy file`);
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  const descr = /'descr':\s*'([<|>]?)(\w+)'/.exec(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shapeText || /'fortran_order':\s*True/.test(header)) {
    throw new Error(`${name}: unsupported header ${header.trim()}`);
  }
  const shape = shapeText[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  // A copy in a buffer of its own (aligned; a Node Buffer's slice would share a pooled one).
  const body = new Uint8Array(bytes.subarray(10 + headerLength));
  switch (descr[2]) {
    case 'f4':
      return { dtype: 'f4', shape, data: new Float32Array(body.buffer) };
    case 'f8':
      return { dtype: 'f8', shape, data: new Float64Array(body.buffer) };
    case 'i4':
      return { dtype: 'i4', shape, data: new Int32Array(body.buffer) };
    case 'i8':
      return { dtype: 'i8', shape, data: new BigInt64Array(body.buffer) };
    default:
      throw new Error(`${name}: dtype ${descr[2]} is not one this module reads`);
  }
}

let crcTable: Uint32Array | null = null;

/** The zip format's CRC-32 (polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
