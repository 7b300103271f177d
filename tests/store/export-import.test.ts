import { describe, expect, it } from 'vitest';
import { ImportError, type RunExport, type RunStore } from '../../src/store/index.ts';
import { openTestStore, checkpointFor, sampleConfig, telemetryFor, trainRows } from './helpers.ts';

type DeepMutable<T> = T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;

async function filledRun(store: RunStore) {
  const config = sampleConfig({
    globalBatch: 50,
    workers: 2,
    bnSync: 'sync',
    model: { preset: 'mlp', norm: 'ghost' },
    // Momentum, so the checkpoint carries optimizer state.
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  });
  const run = await store.createRun(config, 'ghost BN, 2 devices');
  const telemetry = telemetryFor(1, 30);
  // Numbers JSON cannot spell must come back as they were.
  telemetry.deviceLoss[3] = [Number.NaN, Number.POSITIVE_INFINITY];
  telemetry.bn.bn1!.globalMean[4] = [-0, Number.NEGATIVE_INFINITY];
  const train = trainRows(1, 30);
  train[29] = { step: 30, loss: Number.NaN, acc: -0 };
  store.appendMetrics(run.id, { train, eval: [{ step: 30, loss: 0.25, acc: 0.875 }], telemetry });
  await store.saveCheckpoint(run.id, checkpointFor(config, 30));
  await store.updateRun(run.id, { status: 'failed', summary: { error: 'the loss is NaN' } });
  return run;
}

/** Everything in the library, to show a failed import changed nothing. */
async function snapshot(store: RunStore) {
  const runs = await store.listRuns({ sortBy: 'createdAt' });
  return Promise.all(
    runs.map(async (run) => ({
      run,
      metrics: await store.loadMetrics(run.id),
      checkpoint: await store.latestCheckpoint(run.id),
    })),
  );
}

describe('export and import', () => {
  it('round-trips a run exactly through a JSON file', async () => {
    const { store } = await openTestStore();
    const original = await filledRun(store);
    const file = JSON.stringify(await store.exportRun(original.id));

    const { store: other } = await openTestStore();
    const imported = await other.importRun(file);
    const source = await store.getRun(original.id);
    expect(imported.id).not.toBe(original.id);
    expect(imported).toEqual({ ...source, id: imported.id, updatedAt: imported.updatedAt });
    expect(imported.config).toEqual(original.config);
    expect(await other.loadMetrics(imported.id)).toEqual(await store.loadMetrics(original.id));
    const a = await store.latestCheckpoint(original.id);
    const b = await other.latestCheckpoint(imported.id);
    expect(b).toEqual({ ...a, runId: imported.id, savedAt: b?.savedAt });
    // Byte for byte, NaN payloads included.
    expect(new Uint8Array(b!.params.buffer)).toEqual(new Uint8Array(a!.params.buffer));
    // Exporting the import gives the same file, ids and times aside.
    const again = await other.exportRun(imported.id);
    const first = JSON.parse(file);
    expect(again.metrics).toEqual(first.metrics);
    expect(again.checkpoint).toEqual({ ...first.checkpoint, savedAt: again.checkpoint?.savedAt });
    expect(again.run.config).toEqual(first.run.config);
    await store.close();
    await other.close();
  });

  it('a run already in the library is not imported again (the original or an earlier import)', async () => {
    const { store } = await openTestStore();
    const original = await filledRun(store);
    const file = await store.exportRun(original.id);
    const before = await snapshot(store);
    await expect(store.importRun(file)).rejects.toThrow(
      /already in the library, as “ghost BN, 2 devices”/,
    );
    expect(await snapshot(store)).toEqual(before);
    // Deleted, it imports again, once; its own export is the same run too.
    await store.deleteRun(original.id);
    const copy = await store.importRun(file);
    expect((await store.loadMetrics(copy.id)).train).toHaveLength(30);
    expect(await store.latestCheckpoint(copy.id)).not.toBeNull();
    await expect(store.importRun(file)).rejects.toBeInstanceOf(ImportError);
    await expect(store.importRun(await store.exportRun(copy.id))).rejects.toThrow(/already/);
    expect(await store.listRuns()).toHaveLength(1);
    await store.close();
  });

  it('a run exported while training imports as interrupted, without checkpoint if it had none', async () => {
    const { store } = await openTestStore();
    const run = await store.createRun(sampleConfig());
    store.appendMetrics(run.id, { train: trainRows(1, 3) });
    const file = await store.exportRun(run.id);
    expect(file.checkpoint).toBeUndefined();
    expect(file.metrics.train).toHaveLength(3); // buffered rows are exported too
    const { store: other } = await openTestStore();
    const copy = await other.importRun(file);
    expect(copy.status).toBe('interrupted');
    expect(await other.latestCheckpoint(copy.id)).toBeNull();
    await store.close();
    await other.close();
  });

  describe('a bad file throws ImportError and changes nothing', async () => {
    const { store } = await openTestStore();
    const good = await store.exportRun((await filledRun(store)).id);
    const goodText = JSON.stringify(good);
    const before = await snapshot(store);
    const edit = (change: (file: DeepMutable<RunExport>) => void) => {
      const file = JSON.parse(goodText) as DeepMutable<RunExport>;
      change(file);
      return file;
    };

    const cases: [string, unknown, RegExp][] = [
      ['not JSON', 'hello, world', /not a syncbn-lab run export: it is not valid JSON/],
      [
        'cut short',
        goodText.slice(0, goodText.length / 2),
        /not a syncbn-lab run export: it is not valid JSON/,
      ],
      ['a list', [1, 2], /not a syncbn-lab run export: it holds a list, not an object/],
      [
        'no format',
        { run: good.run },
        /not a syncbn-lab run export: it has no "format": "syncbn-lab\/run" entry/,
      ],
      [
        'other format',
        { ...good, format: 'tfjs/model' },
        /its format is "tfjs\/model", not "syncbn-lab\/run"/,
      ],
      ['newer version', { ...good, version: 7 }, /newer syncbn-lab \(file format 7\)/],
      [
        'invalid config',
        edit((f) => {
          f.run.config.model.norm = 'magic' as never;
        }),
        /^The run's config is invalid: model\.norm: /,
      ],
      [
        'config problem across fields',
        edit((f) => {
          f.run.config.bnSync = 'group:9';
        }),
        /config is invalid: bnSync: group size 9 is larger than the 2 devices/,
      ],
      [
        'missing rows field',
        edit((f) => {
          Reflect.deleteProperty(f.metrics.train[2]!, 'loss');
        }),
        /damaged or incomplete: metrics\.train\.2\.loss: /,
      ],
      [
        'bad status',
        edit((f) => {
          f.run.status = 'exploded' as never;
        }),
        /run\.status/,
      ],
      [
        'truncated telemetry column',
        edit((f) => {
          f.metrics.telemetry!.deviceLoss.pop();
        }),
        /metrics\.telemetry\.deviceLoss: has 29 rows but step has 30/,
      ],
      [
        'truncated BN column',
        edit((f) => {
          f.metrics.telemetry!.bn.bn1!.runningVar.length = 3;
        }),
        /metrics\.telemetry\.bn\.bn1\.runningVar: has 3 rows but bn\.bn1\.step has 30/,
      ],
      [
        'device row too short',
        edit((f) => {
          f.metrics.telemetry!.waitMs[5] = [1];
        }),
        /waitMs\.5: has 1 values but the run had 2 devices/,
      ],
      [
        'truncated params',
        edit((f) => {
          f.checkpoint!.params.base64 = f.checkpoint!.params.base64.slice(0, 40);
        }),
        /checkpoint is damaged: checkpoint\.params should hold \d+ numbers but its data has room for 7/,
      ],
      [
        'truncated optimizer buffer',
        edit((f) => {
          f.checkpoint!.optimizer.buffers['fc1.bias.momentum']!.length = 2;
        }),
        /checkpoint\.optimizer\.buffers\["fc1\.bias\.momentum"\] should hold 2 numbers but its data has room for 64/,
      ],
      [
        'not base64',
        edit((f) => {
          f.checkpoint!.buffers.base64 = '%%%';
        }),
        /checkpoint\.buffers is not valid base64/,
      ],
      [
        'checkpoint past the end',
        edit((f) => {
          f.checkpoint!.step = 1000;
        }),
        /checkpoint\.step is 1000, past the run's 100 steps/,
      ],
      [
        'empty name',
        edit((f) => {
          f.run.name = ' ';
        }),
        /name is unusable/,
      ],
    ];
    for (const [label, data, message] of cases) {
      it(label, async () => {
        const error = await store.importRun(data).then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(ImportError);
        expect((error as Error).message).toMatch(message);
        expect(await snapshot(store)).toEqual(before);
      });
    }
  });
});
