import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFromValue } from '../../src/config/config-text.ts';
import { runCli } from '../../src/cli/run-cli.ts';

/*
 * Every config problem is found before the first step: exit 2, one line naming the field. Each
 * config below passed the schema before these rules and failed halfway through the run (exit 1),
 * or ran the machine out of memory.
 */
const dir = mkdtempSync(join(tmpdir(), 'sim-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function sim(config: unknown): Promise<{ code: number; lines: string[]; stdout: string }> {
  const path = join(dir, 'cfg.json');
  writeFileSync(path, typeof config === 'string' ? config : JSON.stringify(config));
  let stderr = '';
  let stdout = '';
  const code = await runCli([path, '--in-process'], {
    stdout: async (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
  });
  const lines = stderr
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.replace(`${path}: `, ''));
  return { code, lines, stdout };
}

const spiral = (over: Record<string, unknown> = {}, model: Record<string, unknown> = {}) => ({
  dataset: { name: 'spiral', train: 200, test: 50 },
  model: { preset: 'mlp', hidden: [8], ...model },
  steps: 3,
  evalEvery: 3,
  ...over,
});

/** Exit 2 before anything ran: the one line names `field` first and matches `words`. */
async function expectRejected(config: unknown, field: string, words: RegExp): Promise<void> {
  const o = await sim(config);
  expect(o.lines, o.lines.join('\n')).toHaveLength(1);
  expect(o.code).toBe(2);
  expect(o.stdout).toBe('');
  expect(o.lines[0]!.startsWith(`${field}: `), o.lines[0]).toBe(true);
  expect(o.lines[0]).toMatch(words);
  expect(o.lines[0]).not.toMatch(/run failed|step \d/);
}

describe('BN batches of one sample are found before the first step', () => {
  it('local BN: a device batch of 1', async () => {
    await expectRejected(
      spiral({ devices: 2, perDeviceBatch: 1 }),
      'perDeviceBatch',
      /device 0 gets a batch of 1 sample.*bnSync "local".*more than 1 value per channel/,
    );
  });

  it('local BN: one device of an uneven global batch gets 1 sample', async () => {
    await expectRejected(
      spiral({ devices: 4, globalBatch: 5 }),
      'globalBatch',
      /device 1 gets a batch of 1 sample/,
    );
  });

  it('group:g: the last group holds 1 sample in all', async () => {
    await expectRejected(
      spiral({ devices: 3, globalBatch: 5, bnSync: 'group:2' }),
      'globalBatch',
      /device 2 gets a batch of 1 sample.*"group:2"/,
    );
    await expectRejected(
      spiral({
        devices: 4,
        globalBatch: 3,
        bnSync: 'group:2',
        runningStats: 'sync',
        gradientAveraging: 'global',
      }),
      'globalBatch',
      /BN group of devices 2–3 gets in all a batch of 1 sample/,
    );
  });

  it('batch renorm follows the same rule', async () => {
    await expectRejected(
      spiral({ devices: 2, perDeviceBatch: 1 }, { norm: 'renorm' }),
      'perDeviceBatch',
      /batch of 1 sample/,
    );
  });

  it('ghost BN: a virtual batch of one left over', async () => {
    await expectRejected(
      spiral(
        { devices: 2, perDeviceBatch: 5 },
        { norm: 'ghost', normOptions: { virtualBatch: 2 } },
      ),
      'perDeviceBatch',
      /device 0's virtual batch 3 \(model\.normOptions\.virtualBatch 2\) holds 1 sample/,
    );
  });

  it('ghost BN: a virtual batch larger than every device batch is plain BN, not what was asked', async () => {
    await expectRejected(
      spiral(
        { devices: 2, perDeviceBatch: 4 },
        { norm: 'ghost', normOptions: { virtualBatch: 8 } },
      ),
      'model.normOptions.virtualBatch',
      /virtualBatch 8 is larger than any device's batch \(4\).*at most 4/,
    );
  });

  it('what merges is allowed: one sample per device under sync, ghost leftovers merged across a group, no BN at all', () => {
    const ok = (c: unknown) => expect(() => configFromValue(c, 'cfg')).not.toThrow();
    ok(spiral({ devices: 4, perDeviceBatch: 1, bnSync: 'sync' }));
    ok(spiral({ devices: 4, globalBatch: 9, bnSync: 'group:2' }));
    ok(
      spiral(
        { devices: 2, perDeviceBatch: 5, bnSync: 'sync' },
        { norm: 'ghost', normOptions: { virtualBatch: 2 } },
      ),
    );
    ok(spiral({ devices: 2, perDeviceBatch: 1 }, { norm: 'layer' }));
    ok(spiral({ devices: 2, perDeviceBatch: 1 }, { hidden: [] }));
    // A device with no sample normalizes nothing (allowed under gradientAveraging "global"; the
    // README says so; under "ddp" its mean loss is undefined, see tests/coordinator/ddp).
    ok(spiral({ devices: 4, globalBatch: 2, bnSync: 'sync', gradientAveraging: 'global' }));
  });
});

describe('evaluation and data rules', () => {
  it('PreciseBN needs running statistics', async () => {
    await expectRejected(
      spiral(
        { devices: 2, perDeviceBatch: 4, evalMode: 'precise' },
        { normOptions: { trackRunningStats: false } },
      ),
      'evalMode',
      /PreciseBN.*model\.normOptions\.trackRunningStats on/,
    );
  });

  it('Batch Renorm needs its moving statistics (was exit 1 naming the layer)', async () => {
    await expectRejected(
      spiral(
        { devices: 2, perDeviceBatch: 4 },
        { norm: 'renorm', normOptions: { trackRunningStats: false } },
      ),
      'model.normOptions.trackRunningStats',
      /Batch Renorm .* model\.norm "renorm" needs model\.normOptions\.trackRunningStats on/,
    );
  });

  it('preciseSamples at most the training set (a huge value ran V8 out of memory)', async () => {
    await expectRejected(
      spiral({ devices: 2, perDeviceBatch: 4, evalMode: 'precise', preciseSamples: 500 }),
      'preciseSamples',
      /500 is more than the 200 training examples \(dataset\.train\); ask for at most 200/,
    );
    await expectRejected(
      spiral({ devices: 2, perDeviceBatch: 4, evalMode: 'precise', preciseSamples: 9e15 }),
      'preciseSamples',
      /<=100000/,
    );
    // Left out, it is 1024 or the whole training set when that is smaller.
    const c = configFromValue(spiral({ devices: 2, perDeviceBatch: 4, evalMode: 'precise' }), 'x');
    expect(c.preciseSamples).toBe(200);
  });

  it('batch evaluation never normalizes a single test sample by itself', async () => {
    await expectRejected(
      spiral({ devices: 2, perDeviceBatch: 4, evalMode: 'batch', evalBatch: 1 }),
      'evalBatch',
      /evalMode "batch".*evalBatch 1 each test batch holds 1 sample/,
    );
    // Left out, the test batch is the per-device batch: 1 here.
    await expectRejected(
      spiral({ devices: 4, perDeviceBatch: 1, bnSync: 'sync', evalMode: 'batch' }),
      'evalBatch',
      /evalBatch \(1, from the per-device batch\)/,
    );
    await expectRejected(
      spiral(
        { devices: 2, perDeviceBatch: 4, evalMode: 'batch', evalBatch: 5 },
        { norm: 'ghost', normOptions: { virtualBatch: 2 } },
      ),
      'evalBatch',
      /a test batch of 5 in virtual batches of 2/,
    );
    // 50 test samples in batches of 49: the lone last one joins the batch before it.
    expect(() =>
      configFromValue(
        spiral({ devices: 2, perDeviceBatch: 4, evalMode: 'batch', evalBatch: 49 }),
        'x',
      ),
    ).not.toThrow();
  });

  it('featureScale has one value per feature of the 2-D sets (or one for all)', async () => {
    await expectRejected(
      spiral({
        devices: 2,
        perDeviceBatch: 4,
        dataset: { name: 'spiral', train: 200, featureScale: [1, 2, 3] },
      }),
      'dataset.featureScale',
      /has 3 values, but spiral has 2 features/,
    );
  });

  it.each(['evalEvery', 'evalBatch', 'telemetryEvery', 'checksumEvery'])(
    '%s is bounded',
    async (key) => {
      await expectRejected(spiral({ devices: 2, perDeviceBatch: 4, [key]: 9e15 }), key, /<=/);
    },
  );
});

describe('input that is hard to read', () => {
  it('JSON nested 10,000 deep: its position, not "Maximum call stack size exceeded"', async () => {
    const deep = `{"seed": ${'['.repeat(10_000)}${']'.repeat(9_999)}}`;
    const o = await sim(deep);
    expect(o.code).toBe(2);
    expect(o.lines).toHaveLength(1);
    expect(o.lines[0]).toMatch(/:1:73: JSON nested more than 64 levels deep here/);
  });

  it('a line quotes at most about 100 characters of a value', async () => {
    const o = await sim(spiral({ devices: 2, perDeviceBatch: 4, bnSync: 'x'.repeat(100_000) }));
    expect(o.code).toBe(2);
    expect(o.lines[0]).toMatch(/^bnSync: .*\(got "x{99}… \(100,000 characters\)\)$/);
    expect(o.lines[0]!.length).toBeLessThan(250);
  });
});
