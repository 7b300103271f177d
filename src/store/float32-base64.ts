import { msg, str } from '@lit/localize';
/** A Float32Array in a JSON file: little-endian bytes in base64 (4 bytes per value). */
export interface EncodedFloat32 {
  readonly dtype: 'float32';
  readonly length: number;
  readonly base64: string;
}

const CHUNK = 0x8000;

export function encodeFloat32(values: Float32Array): EncodedFloat32 {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) {
    binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  }
  return { dtype: 'float32', length: values.length, base64: btoa(binary) };
}

/** Throws a message naming `where` when the data is not base64 or holds the wrong count. */
export function decodeFloat32(encoded: EncodedFloat32, where: string): Float32Array {
  let binary: string;
  try {
    binary = atob(encoded.base64);
  } catch {
    throw new Error(msg(str`${where} is not valid base64 data`));
  }
  if (binary.length !== encoded.length * 4) {
    throw new Error(
      msg(
        str`${where} should hold ${encoded.length} numbers but its data has room for ${Math.floor(binary.length / 4)} (the file may be cut short or edited)`,
      ),
    );
  }
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const values = new Float32Array(encoded.length);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}
