import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, decodeNpz, encodeNpy, encodeNpz, type NpyArray } from '../../src/export/npz.ts';

const arrays = new Map<string, NpyArray>([
  ['w', { dtype: 'f4', shape: [2, 3], data: Float32Array.of(1, -2.5, 3, 0.1, 1e-30, -0) }],
  ['lr', { dtype: 'f8', shape: [2], data: Float64Array.of(0.1, 1 / 3) }],
  ['idx', { dtype: 'i4', shape: [4], data: Int32Array.of(3, 0, 2, 1) }],
  ['count', { dtype: 'i8', shape: [], data: BigInt64Array.of(7n) }],
]);

describe('npz', () => {
  it('an .npy header is NumPy 1.0: magic, padded to 64 bytes, ending in a newline', () => {
    const bytes = encodeNpy(arrays.get('w')!);
    expect([...bytes.subarray(0, 8)]).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8]! | (bytes[9]! << 8);
    expect((10 + headerLength) % 64).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(bytes.length).toBe(10 + headerLength + 6 * 4);
  });

  it('the zip CRC-32 is the standard one', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('reads back what it wrote, stored and deflated, values and shapes exact', () => {
    for (const deflate of [undefined, (b: Uint8Array) => deflateRawSync(b)]) {
      const back = decodeNpz(encodeNpz(arrays, deflate), (b) => inflateRawSync(b));
      expect([...back.keys()]).toEqual([...arrays.keys()]);
      for (const [name, a] of arrays) {
        const b = back.get(name)!;
        expect(b.dtype, name).toBe(a.dtype);
        expect(b.shape, name).toEqual(a.shape);
        expect([...b.data], name).toEqual([...a.data]);
      }
    }
  });

  it('refuses a shape that does not fit the data, and a compressed entry without inflate', () => {
    expect(() => encodeNpy({ dtype: 'i4', shape: [3], data: Int32Array.of(1, 2) })).toThrow(
      /shape \[3\] needs 3 values, got 2/,
    );
    expect(() => decodeNpz(encodeNpz(arrays, (b) => deflateRawSync(b)))).toThrow(
      /compression method 8/,
    );
  });
});
