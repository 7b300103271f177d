import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { Checkpoint } from '../../src/workers/checkpoint.ts';
import { StoreQuotaError } from '../../src/store/index.ts';
import {
  type RecorderStore,
  RunRecorder,
  type SaveProblem,
} from '../../src/ui/session/run-recorder.ts';

const config = parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' }, steps: 10 });
const ck = (step: number): Checkpoint => ({
  step,
  params: new Float32Array(2),
  buffers: new Float32Array(0),
  optimizer: { kind: 'sgd', step, buffers: {} },
});

/** Records calls; createRun resolves late so ordering mistakes would show. */
function fakeStore(failOn: (call: string) => boolean = () => false) {
  const calls: string[] = [];
  const maybeFail = async (call: string) => {
    calls.push(call);
    if (failOn(call)) throw new StoreQuotaError('storage full');
  };
  const store: RecorderStore = {
    createRun: async (_c, name) => {
      await new Promise((r) => setTimeout(r, 5));
      await maybeFail(`create ${name}`);
      return { id: 'r1' } as Awaited<ReturnType<RecorderStore['createRun']>>;
    },
    updateRun: async (id, patch) => {
      await maybeFail(`update ${id} ${patch.status}`);
      return { id } as Awaited<ReturnType<RecorderStore['updateRun']>>;
    },
    appendMetrics: (id, batch) => {
      calls.push(`append ${id} ${batch.train?.length ?? 0}/${batch.eval?.length ?? 0}`);
    },
    flush: () => maybeFail('flush'),
    saveCheckpoint: (id, c) => maybeFail(`checkpoint ${id} ${c.step}`),
  };
  return { store, calls };
}

describe('RunRecorder', () => {
  it('creates the record before writing anything, in event order', async () => {
    const { store, calls } = fakeStore();
    const rec = new RunRecorder(store, () => {});
    void rec.begin(config, 'local BN');
    rec.steps([{ step: 1, loss: 1, acc: 0 }], undefined);
    rec.evaluation({ step: 1, loss: 1, acc: 0 });
    rec.checkpoint(ck(1));
    await rec.finish('completed', { testAcc: 0.5 });
    expect(calls).toEqual([
      'create local BN',
      'append r1 1/0',
      'append r1 0/1',
      'checkpoint r1 1',
      'flush',
      'update r1 completed',
    ]);
    expect(rec.savedCheckpointStep).toBe(1);
    expect(rec.runId).toBe('r1');
  });

  it('a run started while the library is still opening is saved from its first step', async () => {
    // Run pressed in the page's first moments: the store arrives after events did.
    const { store, calls } = fakeStore();
    let open: (s: RecorderStore) => void = () => {};
    const opening = new Promise<RecorderStore>((resolve) => {
      open = resolve;
    });
    const rec = new RunRecorder(opening, () => {});
    const id = rec.begin(config, 'early');
    rec.steps([{ step: 1, loss: 1, acc: 0 }], undefined);
    rec.checkpoint(ck(1));
    const finished = rec.finish('completed', { testAcc: 0.5 });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls).toEqual([]);
    open(store);
    await finished;
    expect(await id).toBe('r1');
    expect(calls).toEqual([
      'create early',
      'append r1 1/0',
      'checkpoint r1 1',
      'flush',
      'update r1 completed',
    ]);
  });

  it('a library that could not open leaves the run unsaved, without an error', async () => {
    const problems: SaveProblem[] = [];
    const rec = new RunRecorder(Promise.reject(new Error('blocked')), (p) => problems.push(p));
    expect(await rec.begin(config, 'x')).toBe(null);
    rec.steps([{ step: 1, loss: 1, acc: 0 }], undefined);
    await rec.finish('completed', {});
    expect(problems).toEqual([]);
  });

  it('resuming marks the existing record running instead of creating one', async () => {
    const { store, calls } = fakeStore();
    const rec = new RunRecorder(store, () => {});
    expect(await rec.begin(config, 'x', 'old')).toBe('old');
    expect(calls).toEqual(['update old running']);
  });

  it('full storage: reported once as quota, later writes skipped, the final status still tried', async () => {
    const { store, calls } = fakeStore((c) => c === 'checkpoint r1 2');
    const problems: SaveProblem[] = [];
    const rec = new RunRecorder(store, (p) => problems.push(p));
    void rec.begin(config, 'n');
    rec.checkpoint(ck(1));
    rec.checkpoint(ck(2));
    rec.steps([{ step: 3, loss: 1, acc: 0 }], undefined);
    rec.checkpoint(ck(3));
    await rec.finish('stopped', {});
    expect(problems).toEqual([{ kind: 'quota', message: 'storage full' }]);
    expect(rec.savedCheckpointStep).toBe(1);
    expect(calls).toEqual(['create n', 'checkpoint r1 1', 'checkpoint r1 2', 'update r1 stopped']);
  });

  it('background write failures reported by the store stop this run’s writes too', async () => {
    const { store } = fakeStore();
    const problems: SaveProblem[] = [];
    const rec = new RunRecorder(store, (p) => problems.push(p));
    await rec.begin(config, 'n');
    rec.fail(new StoreQuotaError('full'));
    rec.fail(new StoreQuotaError('again'));
    expect(problems).toHaveLength(1);
  });

  it('without a store it does nothing and never fails', async () => {
    const rec = new RunRecorder(null, () => {
      throw new Error('no problem expected');
    });
    expect(await rec.begin(config, 'n')).toBeNull();
    rec.steps([], undefined);
    await rec.finish('completed', {});
  });
});
