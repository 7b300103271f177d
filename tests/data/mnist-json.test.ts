import { describe, expect, it } from 'vitest';
import { mnistFromDigitJson } from '../../src/data/mnist-json.ts';

const PIXELS = 784;

function digitFile(values: number[], format: (vs: number[]) => string): string {
  return `{ "data": ${format(values)} }`;
}

describe('mnistFromDigitJson', () => {
  const values = Array.from(
    { length: PIXELS },
    (_, i) => Math.round(((i * 37) % 256) / 0.255) / 1000,
  );
  const expected = Uint8Array.from(values, (v) => Math.round(v * 255));

  it('decodes the shipped layout and other valid JSON spellings to the same bytes', () => {
    const spellings: Array<(vs: number[]) => string> = [
      (vs) => `[${vs.join(',')}]`, // as shipped (fast scanner)
      (vs) => JSON.stringify(vs, null, 2), // whitespace (fast scanner)
      (vs) => `[${vs.map((v) => v.toExponential()).join(',')}]`, // exponents (JSON.parse path)
    ];
    for (const spell of spellings) {
      const texts = Array.from({ length: 10 }, () => digitFile(values, spell));
      const raw = mnistFromDigitJson(texts);
      expect(raw.count).toBe(10);
      for (let d = 0; d < 10; d++) {
        expect(raw.labels[d]).toBe(d);
        expect(Array.from(raw.images.subarray(d * PIXELS, (d + 1) * PIXELS))).toEqual(
          Array.from(expected),
        );
      }
    }
  });

  it('rejects partial images and out-of-range values', () => {
    const short = Array.from({ length: 10 }, () => digitFile(values.slice(1), (vs) => `[${vs}]`));
    expect(() => mnistFromDigitJson(short)).toThrow(/whole number/);
    const negative = Array.from({ length: 10 }, () =>
      digitFile([-0.5, ...values.slice(1)], (vs) => `[${vs}]`),
    );
    expect(() => mnistFromDigitJson(negative)).toThrow(/not in \[0, 1\]/);
    expect(() => mnistFromDigitJson(['{}'])).toThrow(/10 digit files/);
  });
});
