import { describe, expect, it } from 'vitest';
import { mnistConfig, trainWith } from './harness.ts';

const stripTimings = (r: unknown): unknown => {
  const { telemetry, ...rest } = r as { telemetry: Record<string, unknown> };
  // Timings, the transport and bytes moved depend on where devices run; the numbers must not.
  const {
    computeMs: _c,
    waitMs: _w,
    transport: _t,
    workers: _k,
    bytes: _b,
    collectiveCalls: _n,
    ...numbers
  } = telemetry;
  return { ...rest, telemetry: numbers };
};

describe('runs are deterministic', () => {
  const config = mnistConfig({
    devices: 4,
    perDeviceBatch: 8,
    bnSync: 'sync',
    sharding: { dirichlet: 0.5 },
  });

  it('the same config twice gives identical output', async () => {
    const a = await trainWith(config, { workers: 2 });
    const b = await trainWith(config, { workers: 2 });
    expect(stripTimings(a.result)).toEqual(stripTimings(b.result));
    expect(a.params).toEqual(b.params);
  });

  it('W=1 and W=2 (and in-process) give identical output', async () => {
    const one = await trainWith(config, { workers: 1 });
    const two = await trainWith(config, { workers: 2 });
    const here = await trainWith(config, 'in-process');
    expect(stripTimings(one.result)).toEqual(stripTimings(two.result));
    expect(stripTimings(one.result)).toEqual(stripTimings(here.result));
    expect(one.params).toEqual(two.params);
    expect(one.params).toEqual(here.params);
  });
});

describe('the MessagePort transport (browsers without cross-origin isolation)', () => {
  it('gives the same numbers as shared memory', async () => {
    const config = mnistConfig({
      devices: 4,
      perDeviceBatch: 8,
      bnSync: 'group:2',
      runningStats: 'mean',
      steps: 10,
    });
    const shared = await trainWith({ ...config, transport: 'shared-memory' }, { workers: 2 });
    const ports = await trainWith({ ...config, transport: 'message-port' }, { workers: 2 });
    expect(ports.result.telemetry).toMatchObject({ transport: 'message-port' });
    expect(shared.result.telemetry).toMatchObject({ transport: 'shared-memory' });
    const { config: _a, ...viaPorts } = stripTimings(ports.result) as Record<string, unknown>;
    const { config: _b, ...viaShared } = stripTimings(shared.result) as Record<string, unknown>;
    expect(viaPorts).toEqual(viaShared);
    expect(ports.params).toEqual(shared.params);
  });
});
