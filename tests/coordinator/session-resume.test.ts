import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { Checkpoint } from '../../src/workers/checkpoint.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import { TrainingSession } from '../../src/coordinator/session.ts';
import { nodePlatform } from '../../src/platform/node/platform.ts';
import { mnistConfig } from './harness.ts';

const config = parseConfig(
  mnistConfig({
    devices: 4,
    perDeviceBatch: 8,
    bnSync: 'sync',
    steps: 30,
    evalEvery: 10,
    model: {
      preset: 'mlp',
      hidden: [32, 32],
      norm: 'renorm',
      normOptions: { renormWarmup: 5, renormRamp: 10 },
    },
    optimizer: { name: 'adam', lr: 0.01 },
    sharding: { dirichlet: 0.5 },
  }),
);

async function runSession(
  opts: { resumeFrom?: Checkpoint; stopAfter?: number } = {},
): Promise<{ events: RunEvent[]; session: TrainingSession }> {
  const events: RunEvent[] = [];
  const session: TrainingSession = new TrainingSession(nodePlatform({ host: 'workers' }), (e) => {
    events.push(e);
    if (
      opts.stopAfter !== undefined &&
      e.type === 'checkpoint' &&
      e.checkpoint.step >= opts.stopAfter
    )
      session.stop();
  });
  await session.run(
    { ...config, workers: 2 },
    { checkpointEvery: 10, resumeFrom: opts.resumeFrom, emitEveryMs: 0 },
  );
  return { events, session };
}

const rowsOf = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'steps' ? e.rows : []));
const evalsOf = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'eval' ? [e.row] : []));

describe('a training session', () => {
  it('reports typed events: started, batched steps with telemetry, evals, checkpoints, finished', async () => {
    const { events } = await runSession();
    expect(events[0]).toMatchObject({
      type: 'started',
      transport: 'shared-memory',
      workers: 2,
      devices: 4,
      fromStep: 0,
    });
    expect(rowsOf(events).map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(evalsOf(events).map((r) => r.step)).toEqual([10, 20, 30]);
    const steps = events.filter((e) => e.type === 'steps');
    const telemetrySteps = steps.flatMap((e) => (e.type === 'steps' ? e.telemetry.step : []));
    expect(telemetrySteps).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    // A step's telemetry may come with the next event (recorded while the next step trains).
    const withBn = steps.find((e) => e.type === 'steps' && e.telemetry.step.length > 0);
    const bn = withBn?.type === 'steps' ? Object.values(withBn.telemetry.bn)[0] : undefined;
    expect(bn?.runningMean[0]?.every(Number.isFinite)).toBe(true);
    expect(
      events
        .filter((e) => e.type === 'checkpoint')
        .map((e) => (e.type === 'checkpoint' ? e.checkpoint.step : 0)),
    ).toEqual([10, 20, 30]);
    expect(events.at(-1)).toMatchObject({ type: 'finished', status: 'completed' });
  });

  it('stopped after a checkpoint and resumed from it, reaches the same numbers as an unbroken run', async () => {
    const unbroken = await runSession();
    const first = await runSession({ stopAfter: 10 });
    expect(first.events.at(-1)).toMatchObject({ type: 'finished', status: 'stopped' });
    const checkpoint = first.events
      .flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []))
      .at(-1)!;
    expect(checkpoint.step).toBe(10);
    const rest = await runSession({ resumeFrom: checkpoint });
    expect(rest.events[0]).toMatchObject({ type: 'started', fromStep: 10 });
    const joined = [...rowsOf(first.events).filter((r) => r.step <= 10), ...rowsOf(rest.events)];
    expect(joined).toEqual(rowsOf(unbroken.events));
    expect(evalsOf(rest.events)).toEqual(evalsOf(unbroken.events).filter((r) => r.step > 10));
    const last = (events: RunEvent[]) =>
      events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : [])).at(-1)!;
    expect(last(rest.events).params).toEqual(last(unbroken.events).params);
    expect(last(rest.events).optimizer).toEqual(last(unbroken.events).optimizer);
  });

  it('pauses and resumes without changing the numbers', async () => {
    const events: RunEvent[] = [];
    const session: TrainingSession = new TrainingSession(
      nodePlatform({ host: 'in-process' }),
      (e) => {
        events.push(e);
        if (e.type === 'eval' && e.row.step === 10) {
          session.pause();
          setTimeout(() => session.resume(), 50);
        }
      },
    );
    await session.run(config, { emitEveryMs: 0 });
    expect(events.some((e) => e.type === 'paused')).toBe(true);
    expect(events.some((e) => e.type === 'resumed')).toBe(true);
    const plain = await runSession();
    expect(rowsOf(events)).toEqual(rowsOf(plain.events));
  });

  it('a failure becomes a failed event with the message', async () => {
    const events: RunEvent[] = [];
    const session = new TrainingSession(nodePlatform({ host: 'in-process' }), (e) =>
      events.push(e),
    );
    // A config the schema would reject (one sample per device, local BN) fails in the engine.
    await session.run({
      ...parseConfig(mnistConfig({ devices: 2, perDeviceBatch: 2, bnSync: 'local' })),
      perDeviceBatch: 1,
      globalBatch: 2,
    });
    expect(events.at(-1)).toMatchObject({
      type: 'failed',
      message: expect.stringMatching(/more than 1 value per channel/),
    });
  });
});
