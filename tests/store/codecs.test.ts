import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { toConfigInput } from '../../src/config/config-input.ts';
import { decodeFloat32, encodeFloat32 } from '../../src/store/float32-base64.ts';
import { decodeNumber, encodeNumbers } from '../../src/store/json-numbers.ts';
import { appendRows, appendTelemetry, cloneTelemetry } from '../../src/store/series.ts';
import { telemetryFor, trainRows } from './helpers.ts';

describe('codecs', () => {
  it('float32 arrays survive base64 bit for bit', () => {
    const values = new Float32Array([
      0,
      -0,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -3.4028234663852886e38,
      1e-45,
    ]);
    const encoded = JSON.parse(JSON.stringify(encodeFloat32(values)));
    const decoded = decodeFloat32(encoded, 'x');
    expect(new Uint8Array(decoded.buffer)).toEqual(new Uint8Array(values.buffer));
    // 100k values: the chunked encoder must not overflow the argument stack.
    const big = new Float32Array(100_000).map((_, i) => Math.fround(Math.cos(i)));
    const back = decodeFloat32(encodeFloat32(big), 'big');
    let mismatches = 0;
    for (let i = 0; i < big.length; i++) if (!Object.is(back[i], big[i])) mismatches++;
    expect(back.length).toBe(big.length);
    expect(mismatches).toBe(0);
    expect(encodeFloat32(new Float32Array(0))).toEqual({ dtype: 'float32', length: 0, base64: '' });
  });

  it('numbers JSON cannot spell become strings and come back', () => {
    const data = {
      a: [1, Number.NaN, -0, Number.NEGATIVE_INFINITY],
      b: { c: Number.POSITIVE_INFINITY, d: 'NaN' },
    };
    const encoded = JSON.parse(JSON.stringify(encodeNumbers(data)));
    expect(encoded).toEqual({ a: [1, 'NaN', '-0', '-Infinity'], b: { c: 'Infinity', d: 'NaN' } });
    expect(encoded.a.map(decodeNumber)).toEqual([1, Number.NaN, -0, Number.NEGATIVE_INFINITY]);
    expect(Object.is(decodeNumber('-0'), -0)).toBe(true);
  });

  it('a resolved config goes back to input that resolves to the same config', () => {
    const inputs = [
      { dataset: { name: 'spiral' }, model: { preset: 'mlp' } },
      {
        dataset: { name: 'mnist', train: 500 },
        model: { preset: 'cnn' },
        devices: 4,
        workers: 2,
        globalBatch: 30,
      },
      {
        dataset: { name: 'moons' },
        // Virtual batches of 2 in batches of 3 (the default 4 would exceed the batch: plain BN,
        // which the schema now refuses); the leftover samples merge in pairs under group:2.
        model: { preset: 'mlp', norm: 'ghost', normOptions: { virtualBatch: 2 } },
        devices: 8,
        bnSync: 'group:2',
        perDeviceBatch: 3,
        evalBatch: 64,
        runningStats: 'mean',
      },
    ] as const;
    for (const input of inputs) {
      const config = parseConfig(input);
      expect(parseConfig(toConfigInput(config))).toEqual(config);
      expect(parseConfig(JSON.parse(JSON.stringify(toConfigInput(config))))).toEqual(config);
    }
  });
});

describe('step series', () => {
  it('appends rows, and a restart at an earlier step replaces the rows from there on', () => {
    const rows = trainRows(1, 10);
    appendRows(rows, trainRows(11, 12));
    expect(rows).toEqual(trainRows(1, 12));
    appendRows(rows, []);
    expect(rows).toEqual(trainRows(1, 12));
    appendRows(rows, trainRows(5, 6));
    expect(rows).toEqual(trainRows(1, 6));
  });

  it('concatenates telemetry columns per layer; scalars are the newest', () => {
    let t = cloneTelemetry(telemetryFor(1, 3));
    const next = { ...telemetryFor(4, 5), transport: 'message-port', workers: 1 };
    const extra = telemetryFor(4, 5).bn.bn1!;
    next.bn = { ...next.bn, bn2: extra };
    t = appendTelemetry(t, next);
    const expected = telemetryFor(1, 5);
    expect(t).toEqual({
      ...expected,
      transport: 'message-port',
      workers: 1,
      bn: { bn1: expected.bn.bn1, bn2: extra },
    });
    // The appended layer is a copy: the caller's object is not extended later.
    t = appendTelemetry(t, telemetryFor(6, 6));
    expect(extra.step).toEqual([4, 5]);
    // Resuming at step 3 replaces steps 3.. in every column.
    t = appendTelemetry(t, telemetryFor(3, 3));
    expect(t.step).toEqual([1, 2, 3]);
    expect(t.bn.bn1).toEqual(telemetryFor(1, 3).bn.bn1);
  });
});
