import { expect } from 'vitest';

type NumericArray = Uint8Array | Int32Array | Float32Array;

/**
 * Exact (bitwise for floats, NaN-free data) element equality for large typed arrays: Vitest's
 * deep toEqual takes minutes on millions of elements. Reports the first difference.
 */
export function expectSameArray(actual: NumericArray, expected: NumericArray): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) {
      expect.fail(`arrays differ first at index ${i}: ${actual[i]} vs ${expected[i]}`);
    }
  }
}

export function sameArray(a: NumericArray, b: NumericArray): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
