import { describe, expect, it } from 'vitest';
import { parseConfig, type RunConfigInput } from '../../src/config/schema.ts';
import { toConfigInput } from '../../src/config/config-input.ts';
import { encodeFloat32 } from '../../src/store/float32-base64.ts';
import { ImportError, type RunExport } from '../../src/store/index.ts';
import {
  BATCH_KEYS,
  OPTIONAL_CONFIG_KEYS,
  REQUIRED_CONFIG_KEYS,
  withOlderExportKeys,
} from '../../src/store/required-config-keys.ts';
import { checkpointFor, openTestStore, sampleConfig, trainRows } from './helpers.ts';

type Mutable<T> = T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type File = Mutable<RunExport>;

/** A consistent export of a 4-device SGD-with-momentum run, stopped at step 40 of 100. */
async function exportedRun(): Promise<File> {
  const { store } = await openTestStore();
  const config = sampleConfig({
    devices: 4,
    perDeviceBatch: 8,
    optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  });
  const run = await store.createRun(config, 'four devices');
  store.appendMetrics(run.id, {
    train: trainRows(1, 40),
    eval: [
      { step: 20, loss: 0.5, acc: 0.8 },
      { step: 40, loss: 0.4, acc: 0.85 },
    ],
  });
  await store.saveCheckpoint(run.id, checkpointFor(config, 40));
  await store.updateRun(run.id, { status: 'stopped' });
  const file = (await store.exportRun(run.id)) as File;
  await store.close();
  return file;
}

async function importError(file: unknown): Promise<string> {
  const { store } = await openTestStore();
  const error = await store.importRun(file).then(
    () => null,
    (e: unknown) => e,
  );
  const runs = await store.listRuns();
  await store.close();
  expect(runs).toEqual([]);
  expect(error).toBeInstanceOf(ImportError);
  return (error as Error).message;
}

/** An export made before exports carried a fingerprint: only the consistency checks stand. */
async function olderFile(change: (file: File) => void): Promise<File> {
  const file = await exportedRun();
  delete file.checkpoint!.fingerprint;
  change(file);
  return file;
}

describe('import refuses files that contradict themselves (the ten that used to get in)', () => {
  const cases: [string, (file: File) => void, RegExp][] = [
    [
      'train rows past config.steps',
      (f) => {
        f.metrics.train.push({ step: 101, loss: 0.1, acc: 0.9 });
      },
      /metrics\.train\.40\.step is 101, outside the run's steps 1–100 \(run\.config\.steps\)/,
    ],
    [
      'a duplicated step',
      (f) => {
        f.metrics.train.splice(5, 0, f.metrics.train[4]!);
      },
      /metrics\.train\.5\.step is 5, which repeats step 5/,
    ],
    [
      'reversed steps',
      (f) => {
        f.metrics.train.reverse();
      },
      /metrics\.train\.1\.step is 39, which comes after step 40/,
    ],
    [
      'eval steps out of order',
      (f) => {
        f.metrics.eval.reverse();
      },
      /metrics\.eval\.1\.step is 20/,
    ],
    [
      'stepsDone 1e15',
      (f) => {
        f.run.summary.stepsDone = 1e15;
      },
      /run\.summary\.stepsDone is 1000000000000000, past run\.config\.steps \(100\)/,
    ],
    [
      'a checkpoint of another model (10 parameters)',
      (f) => {
        f.checkpoint!.params = encodeFloat32(new Float32Array(10));
      },
      /checkpoint\.params holds 10 numbers but the mlp model of run\.config has \d+ parameters/,
    ],
    [
      'empty buffers',
      (f) => {
        f.checkpoint!.buffers = encodeFloat32(new Float32Array(0));
      },
      /checkpoint\.buffers holds 0 numbers but the mlp model of run\.config has \d+ buffer values/,
    ],
    [
      'an unknown optimizer kind',
      (f) => {
        f.checkpoint!.optimizer.kind = 'lion';
      },
      /checkpoint\.optimizer\.kind is "lion" but run\.config\.optimizer\.name is "sgd"/,
    ],
    [
      'optimizer state of the wrong size',
      (f) => {
        f.checkpoint!.optimizer.buffers['fc1.weight.momentum'] = encodeFloat32(new Float32Array(3));
      },
      /checkpoint\.optimizer\.buffers\["fc1\.weight\.momentum"\] holds 3 numbers but the parameter has \d+/,
    ],
    [
      'optimizer state of a parameter the model lacks',
      (f) => {
        f.checkpoint!.optimizer.buffers['fc9.weight.momentum'] = encodeFloat32(new Float32Array(3));
      },
      /checkpoint\.optimizer\.buffers\["fc9\.weight\.momentum"\] belongs to no parameter/,
    ],
    [
      'optimizer steps other than the checkpoint step',
      (f) => {
        f.checkpoint!.optimizer.step = 0;
      },
      /checkpoint\.optimizer\.step is 0 but the checkpoint is at step 40/,
    ],
    [
      'a checkpoint ahead of the saved rows',
      (f) => {
        f.metrics.train.length = 30;
      },
      /checkpoint\.step is 40 but metrics\.train ends at step 30/,
    ],
    [
      'missing config.devices (would silently become 8)',
      (f) => {
        delete (f.run.config as Record<string, unknown>)['devices'];
      },
      /run\.config has no devices\. An imported run must say how it was trained/,
    ],
    [
      'a missing nested key',
      (f) => {
        delete (f.run.config.model!.normOptions as Record<string, unknown>)['eps'];
      },
      /run\.config has no model\.normOptions\.eps/,
    ],
    [
      'no batch size',
      (f) => {
        delete (f.run.config as Record<string, unknown>)['perDeviceBatch'];
      },
      /run\.config has no perDeviceBatch or globalBatch/,
    ],
    [
      'a summary of another length of run',
      (f) => {
        f.run.summary.steps = 200;
      },
      /run\.summary\.steps is 200 but run\.config\.steps is 100/,
    ],
  ];
  for (const [label, change, message] of cases) {
    it(label, async () => {
      expect(await importError(await olderFile(change))).toMatch(message);
    });
  }

  it('an older export without a fingerprint still imports when it is consistent', async () => {
    const file = await olderFile(() => {});
    const { store } = await openTestStore();
    const run = await store.importRun(file);
    expect(run.config.devices).toBe(4);
    expect((await store.latestCheckpoint(run.id))?.step).toBe(40);
    await store.close();
  });
});

describe('a checkpoint is tied to the config it was trained with', () => {
  it('an edited learning rate, seed or device count is refused, naming the fingerprint', async () => {
    const edits: ((f: File) => void)[] = [
      (f) => {
        f.run.config.optimizer!.lr = 0.5;
      },
      (f) => {
        f.run.config.seed = 9;
      },
      (f) => {
        f.run.config.devices = 2;
      },
    ];
    for (const edit of edits) {
      const file = await exportedRun();
      edit(file);
      expect(await importError(file)).toMatch(
        /checkpoint\.fingerprint does not match run\.config and the checkpoint/,
      );
    }
  });
});

describe('the config keys an import requires', () => {
  const variants: RunConfigInput[] = [
    { dataset: { name: 'spiral' }, model: { preset: 'mlp' }, devices: 2, perDeviceBatch: 8 },
    {
      dataset: { name: 'spiral', featureScale: [1, 100] },
      model: { preset: 'cnn' },
      devices: 4,
      workers: 2,
      globalBatch: 30,
      optimizer: { name: 'adamw' },
      schedule: { name: 'cosine' },
      sharding: { dirichlet: 0.5 },
    },
    { dataset: { name: 'mnist', downsample: true }, model: { preset: 'bn-paper-mlp' } },
  ];
  it('are exactly the keys a resolved config has (a new schema key must be listed)', () => {
    for (const variant of variants) {
      const input = toConfigInput(parseConfig(variant)) as Record<string, unknown>;
      for (const [section, required] of Object.entries(REQUIRED_CONFIG_KEYS)) {
        let object = input;
        for (const part of section ? section.split('.') : []) {
          object = object[part] as Record<string, unknown>;
        }
        const optional: readonly string[] =
          (OPTIONAL_CONFIG_KEYS as Record<string, readonly string[]>)[section] ?? [];
        const batch: readonly string[] = section === '' ? BATCH_KEYS : [];
        const keys = Object.keys(object).filter((k) => !optional.includes(k) && !batch.includes(k));
        expect(keys.sort(), `keys of ${section || 'the config'}`).toEqual([...required].sort());
      }
    }
  });
});

describe('keys older exports lack', () => {
  it('are filled with the value those exports were made with, never over a value the file has', () => {
    const lacking = { gradientAveraging: 'global', 'model.newOption': 2 };
    const older = { seed: 1, model: { preset: 'mlp' } };
    expect(withOlderExportKeys(older, lacking)).toEqual({
      seed: 1,
      gradientAveraging: 'global',
      model: { preset: 'mlp', newOption: 2 },
    });
    expect(older).toEqual({ seed: 1, model: { preset: 'mlp' } });
    const newer = { gradientAveraging: 'ddp', model: { newOption: 5 } };
    expect(withOlderExportKeys(newer, lacking)).toEqual(newer);
  });
});
