import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

// The CLI in this process (runCli, as sim.ts calls it) with captured output; sim.test.ts spawns
// the real process for the wiring (exit code, workers).
const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');
const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: string[];
}

async function sim(...args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: async (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
  });
  const lines = stderr.split('\n').filter((l) => l.length > 0);
  return { code, stdout, stderr, lines };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function expectNoStack(o: Outcome): void {
  expect(o.stderr).not.toMatch(/^\s+at /m);
  expect(o.stdout).toBe('');
}

const good = {
  dataset: { name: 'spiral', train: 200, test: 100 },
  model: { preset: 'mlp', hidden: [16] },
  devices: 1,
  perDeviceBatch: 16,
};

describe('runCli: bad input exits 2 with one line per problem', () => {
  it('missing file', async () => {
    const o = await sim(join(dir, 'nope.json'));
    expect(o.code).toBe(2);
    expect(o.lines).toEqual([`${join(dir, 'nope.json')}: no such file or directory`]);
    expectNoStack(o);
  });

  it('invalid JSON, with line and column', async () => {
    const path = file(
      'bad.json',
      '{\n  "seed": 1,\n  "dataset": { "name": "spiral" }\n  "model": {}\n}\n',
    );
    const o = await sim(path);
    expect(o.code).toBe(2);
    expect(o.lines).toEqual([
      `${path}:4:3: invalid JSON: expected ',' or '}' after the property value, found "\\""`,
    ]);
    expectNoStack(o);
  });

  it('schema errors, one line each, naming field and allowed values', async () => {
    const path = file(
      'schema.json',
      JSON.stringify({
        dataset: { name: 'spirals' },
        model: { preset: 'mlp', norm: 'bn' },
        steps: 0,
      }),
    );
    const o = await sim(path);
    expect(o.code).toBe(2);
    expect(o.lines).toEqual([
      `${path}: dataset.name: Invalid option: expected one of "mnist"|"spiral"|"moons"|"circles"|"blobs"|"xor" (got "spirals")`,
      `${path}: model.norm: Invalid option: expected one of "batch"|"ghost"|"renorm"|"group"|"layer"|"instance"|"weight"|"spectral"|"none" (got "bn")`,
      `${path}: steps: Too small: expected number to be >=1 (got 0)`,
    ]);
    expectNoStack(o);
  });

  it('a model the config cannot build (group count not dividing the width)', async () => {
    const path = file(
      'groups.json',
      JSON.stringify({
        ...good,
        model: { preset: 'mlp', hidden: [30], norm: 'group', normOptions: { groups: 4 } },
      }),
    );
    const o = await sim(path);
    expect(o.code).toBe(2);
    expect(o.lines).toEqual([
      'model.normOptions.groups: 4 groups do not divide the 30 features of fc1; use a divisor of 30 (e.g. 1, 2, 3, 5, 6, 10)',
    ]);
    expectNoStack(o);
  });

  it('a cnn on 2-D points, and Nesterov without momentum', async () => {
    const cnn = await sim(file('cnn.json', JSON.stringify({ ...good, model: { preset: 'cnn' } })));
    expect(cnn.code).toBe(2);
    expect(cnn.lines).toHaveLength(1);
    expect(cnn.lines[0]).toMatch(/^model\.preset: "cnn" needs image samples/);
    expectNoStack(cnn);
    const nesterov = await sim(
      file(
        'nesterov.json',
        JSON.stringify({ ...good, optimizer: { name: 'sgd', nesterov: true } }),
      ),
    );
    expect(nesterov.code).toBe(2);
    expect(nesterov.lines).toEqual([
      'optimizer.nesterov: Nesterov momentum needs optimizer.momentum > 0 (got 0); set a momentum or nesterov: false',
    ]);
  });

  it('bad command lines', async () => {
    const none = await sim();
    expect(none.code).toBe(2);
    expect(none.lines).toEqual(["sim: missing required argument 'config'"]);
    const unknown = await sim(join(CONFIGS, 'mnist-mlp-bn.json'), '--outt', 'x.json');
    expect(unknown.code).toBe(2);
    expect(unknown.lines[0]).toMatch(/^sim: unknown option '--outt'/);
    const out = await sim(
      file('ok.json', JSON.stringify(good)),
      '--out',
      join(dir, 'missing-dir', 'm.json'),
    );
    expect(out.code).toBe(2);
    expect(out.lines).toEqual([
      `--out ${join(dir, 'missing-dir', 'm.json')}: directory ${join(dir, 'missing-dir')}: no such file or directory`,
    ]);
    expectNoStack(out);
  });
});

describe('runCli: a good run (devices in this thread)', () => {
  it('trains, reports progress on stderr and writes the metrics JSON', async () => {
    const config = {
      ...good,
      devices: 2,
      perDeviceBatch: 8,
      bnSync: 'sync',
      steps: 30,
      evalEvery: 10,
    };
    const out = join(dir, 'metrics.json');
    const o = await sim(file('good.json', JSON.stringify(config)), '--out', out, '--in-process');
    expect(o.code).toBe(0);
    expect(o.stdout).toBe('');
    // Not a TTY: a progress line at each 10% of the 30 steps.
    expect(o.lines.filter((l) => l.startsWith('step '))).toHaveLength(10);
    const metrics = JSON.parse(readFileSync(out, 'utf8'));
    expect(metrics.config.devices).toBe(2);
    expect(metrics.train).toHaveLength(30);
    expect(metrics.eval.map((r: { step: number }) => r.step)).toEqual([10, 20, 30]);
    expect(metrics.final.testAcc).toBeGreaterThan(0);
  });

  it('writes the metrics to stdout without --out', async () => {
    const o = await sim(
      file('stdout.json', JSON.stringify({ ...good, steps: 5, evalEvery: 5 })),
      '--quiet',
      '--in-process',
    );
    expect(o.code).toBe(0);
    expect(o.lines).toEqual([]);
    expect(JSON.parse(o.stdout).train).toHaveLength(5);
  });
});

describe('runCli: a batch larger than the data', () => {
  it('is a config error naming the field, not a crash', async () => {
    const o = await sim(
      file('big.json', JSON.stringify({ ...good, devices: 8, perDeviceBatch: 32 })),
    );
    expect(o.code).toBe(2);
    expect(o.lines).toEqual([
      `${join(dir, 'big.json')}: perDeviceBatch: the global batch (8 devices × perDeviceBatch 32 = 256) is larger than the 200 training examples (dataset.train); use a smaller batch, fewer devices or more data (got 32)`,
    ]);
    expectNoStack(o);
  });
});
