import { describe, expect, it } from 'vitest';
import type { PopulationStats } from '../../src/coordinator/population.ts';
import type { EvalRow } from '../../src/coordinator/run-types.ts';
import type { Telemetry } from '../../src/coordinator/telemetry.ts';
import { openLabDatabase } from '../../src/store/connection.ts';
import { openTestStore, sampleConfig, telemetryFor, trainRows } from './helpers.ts';

/** Telemetry as saved before the used-statistic columns existed. */
function withoutUsed(t: Telemetry): unknown {
  const bn: Record<string, unknown> = {};
  for (const [layer, l] of Object.entries(t.bn)) {
    const { usedMean: _m, usedVar: _v, ...rest } = l;
    bn[layer] = rest;
  }
  return { ...t, bn };
}

const population: Record<string, PopulationStats> = {
  bn1: {
    channels: [0, 1],
    samples: 4096,
    mean: [0.1, -0.2],
    variance: [1.5, 0.5],
    runningMean: [0.3, -0.1],
    runningVar: [1.2, Number.POSITIVE_INFINITY],
    meanGap: 0.25,
    varGap: 0.4,
  },
};

describe('what each device normalizes with, through the store', () => {
  it('a run saved before the used-statistic columns loads, and resumes with them', async () => {
    const { store, indexedDB } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    // Write an old-format chunk directly, as an earlier version of the app left it.
    const db = await openLabDatabase({ name: 'syncbn-lab', factory: indexedDB });
    await db.put('telemetry', {
      runId: run.id,
      seq: 0,
      telemetry: withoutUsed(telemetryFor(1, 10)) as Telemetry,
    });
    db.close();
    const old = await store.loadMetrics(run.id);
    expect(old.telemetry!.bn['bn1']!.usedMean).toEqual(Array.from({ length: 10 }, () => []));
    // Resumed from step 6 with today's telemetry: old rows before 6 keep "not recorded".
    store.appendMetrics(run.id, { train: trainRows(6, 12), telemetry: telemetryFor(6, 12) });
    await store.flush();
    const loaded = (await store.loadMetrics(run.id)).telemetry!.bn['bn1']!;
    expect(loaded.step).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(loaded.usedMean.slice(0, 5)).toEqual([[], [], [], [], []]);
    expect(loaded.usedMean.slice(5)).toEqual(telemetryFor(6, 12).bn['bn1']!.usedMean);
    await store.close();
  });

  it('eval rows keep their population statistics through save, export and import', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    const evalRow: EvalRow = { step: 10, loss: 0.5, acc: 0.75, population };
    store.appendMetrics(run.id, {
      train: trainRows(1, 10),
      eval: [evalRow],
      telemetry: telemetryFor(1, 10),
    });
    await store.flush();
    expect((await store.loadMetrics(run.id)).eval).toEqual([evalRow]);
    const file = JSON.stringify(await store.exportRun(run.id));
    const { store: other } = await openTestStore();
    const copy = await other.importRun(file);
    const metrics = await other.loadMetrics(copy.id);
    expect(metrics.eval).toEqual([evalRow]);
    expect(metrics.telemetry).toEqual(telemetryFor(1, 10));
    await store.close();
    await other.close();
  });

  it('a file exported before these columns imports, its used statistic "not recorded"', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, {
      train: trainRows(1, 10),
      eval: [{ step: 10, loss: 0.5, acc: 0.75 }],
      telemetry: telemetryFor(1, 10),
    });
    await store.flush();
    const file = await store.exportRun(run.id);
    const old = {
      ...file,
      metrics: { ...file.metrics, telemetry: withoutUsed(file.metrics.telemetry as Telemetry) },
    };
    const { store: other } = await openTestStore();
    const copy = await other.importRun(JSON.stringify(old));
    const metrics = await other.loadMetrics(copy.id);
    expect(metrics.eval).toEqual([{ step: 10, loss: 0.5, acc: 0.75 }]);
    expect(metrics.telemetry!.bn['bn1']!.usedVar).toEqual(Array.from({ length: 10 }, () => []));
    expect(metrics.telemetry!.bn['bn1']!.deviceMean).toEqual(
      telemetryFor(1, 10).bn['bn1']!.deviceMean,
    );
    await store.close();
    await other.close();
  });
});
