import { describe, expect, it } from 'vitest';
import { toReadableJson } from '../../src/cli/json-out.ts';

describe('toReadableJson', () => {
  it('is valid JSON equal to the input, rows on one line', () => {
    const value = {
      train: [
        { step: 1, loss: 2.3, acc: 0.1 },
        { step: 2, loss: 2.1, acc: 0.2 },
      ],
      final: { testAcc: 0.9 },
      hidden: [64, 64],
      empty: [],
      nested: { a: { b: [1, { c: 2 }] } },
      skipped: undefined,
    };
    const text = toReadableJson(value);
    const { skipped: _, ...expected } = value;
    expect(JSON.parse(text)).toEqual(expected);
    expect(text).toContain('{ "step": 1, "loss": 2.3, "acc": 0.1 },\n');
    expect(text).toContain('"hidden": [64, 64]');
  });

  it('writes typed arrays as arrays and non-finite numbers as null', () => {
    const text = toReadableJson({ x: new Float32Array([1.5, 2]), y: Number.NaN });
    expect(JSON.parse(text)).toEqual({ x: [1.5, 2], y: null });
  });
});
