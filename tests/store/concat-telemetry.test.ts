import { describe, expect, it } from 'vitest';
import { joinTelemetry } from '../../src/coordinator/telemetry-columns.ts';
import type { Telemetry } from '../../src/coordinator/telemetry.ts';
import { concatTelemetry } from '../../src/store/series.ts';
import { openTestStore, sampleConfig, telemetryFor, trainRows } from './helpers.ts';

/** What loading did before: join the pieces one by one (each join copies all so far). */
const pairwise = (pieces: readonly Telemetry[]): Telemetry | null =>
  pieces.reduce<Telemetry | null>(
    (acc, p) => (acc ? joinTelemetry(acc, p) : structuredClone(p)),
    null,
  );

describe('concatTelemetry (one pass over a run’s saved chunks)', () => {
  it('gives what joining the chunks one by one gives, resumed chunks included', () => {
    // Chunks in order, one restarting at a checkpoint (step 21 after 1..30 were saved), one
    // restarting at the very first step, and an empty one.
    const cases: Telemetry[][] = [
      [],
      [telemetryFor(1, 10)],
      [telemetryFor(1, 10), telemetryFor(11, 30), telemetryFor(31, 35)],
      [telemetryFor(1, 30), telemetryFor(21, 40), telemetryFor(41, 45)],
      [telemetryFor(1, 30), telemetryFor(1, 5), telemetryFor(6, 9)],
      [telemetryFor(1, 10), telemetryFor(11, 10), telemetryFor(11, 12)],
    ];
    for (const pieces of cases) {
      const before = structuredClone(pieces);
      expect(concatTelemetry(pieces)).toEqual(pairwise(pieces));
      expect(pieces).toEqual(before); // the pieces (a pending one belongs to the buffer) unchanged
    }
  });

  it('keeps the latest piece’s transport, sizes and channels', () => {
    const later = { ...telemetryFor(11, 12), transport: 'message-port', workers: 1 };
    later.bn = { bn1: { ...later.bn.bn1!, channels: [3, 4] } };
    const joined = concatTelemetry([telemetryFor(1, 10), later]);
    expect(joined).toMatchObject({ transport: 'message-port', workers: 1 });
    expect(joined?.bn.bn1?.channels).toEqual([3, 4]);
    expect(joined).toEqual(pairwise([telemetryFor(1, 10), later]));
  });
});

describe('loadCurves (the compare view’s read)', () => {
  it('returns the same train and eval rows as loadMetrics, saved and buffered, without telemetry', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    for (let c = 0; c < 3; c++) {
      const from = c * 10 + 1;
      store.appendMetrics(run.id, {
        train: trainRows(from, from + 9),
        eval: [{ step: from + 9, loss: 0.5, acc: 0.1 * c }],
        telemetry: telemetryFor(from, from + 9),
      });
      if (c < 2) await store.flush();
    }
    const curves = await store.loadCurves(run.id);
    const all = await store.loadMetrics(run.id);
    expect(curves).toEqual({ train: all.train, eval: all.eval });
    expect(curves.train).toEqual(trainRows(1, 30));
    expect(curves).not.toHaveProperty('telemetry');
    await store.close();
  });
});
