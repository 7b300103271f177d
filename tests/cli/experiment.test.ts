import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressLine, runExperimentCli } from '../../src/cli/experiment.ts';
import type { CliIo } from '../../src/cli/run-cli.ts';
import type { Experiment, Finding } from '../../src/experiments/kit/types.ts';
import { fakeExperiment } from '../helpers/fake-experiment.ts';

function captureIo(): CliIo & { err: string[]; out: string[] } {
  const err: string[] = [];
  const out: string[] = [];
  return {
    err,
    out,
    stdout: async (t) => void out.push(t),
    stderr: (t) => void err.push(t),
    stderrIsTTY: false,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'syncbn-experiment-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const experiments = (e: Experiment<object, Finding>) => ({ 'batch-size': e });

describe('experiment CLI', () => {
  it('writes <name>.json and <name>.svg and prints the checks', async () => {
    const io = captureIo();
    const code = await runExperimentCli(['batch-size', '--quick', '--out', dir], io, {
      experiments: experiments(fakeExperiment({ units: 2 })),
    });
    expect(code).toBe(0);
    const json = JSON.parse(await readFile(join(dir, 'batch-size.json'), 'utf8'));
    expect(json).toMatchObject({ name: 'batch-size', quick: true, seeds: [1], complete: true });
    expect(json.rows).toHaveLength(4);
    expect(typeof json.elapsedMs).toBe('number');
    expect(await readFile(join(dir, 'batch-size.svg'), 'utf8')).toContain('fake figure');
    expect(io.err.join('')).toContain('holds');
  });

  it('stops with exit 130 keeping the finished units, then resumes from them', async () => {
    const io = captureIo();
    let units = 0;
    const code = await runExperimentCli(['batch-size', '--out', dir], io, {
      experiments: experiments(fakeExperiment({ units: 3 })),
      stopSignal: () => ++units > 2,
    });
    expect(code).toBe(130);
    const partial = JSON.parse(await readFile(join(dir, 'batch-size.json'), 'utf8'));
    expect(partial.complete).toBe(false);
    const stored = partial.rows.length;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(6);

    const runs: number[] = [];
    const again = captureIo();
    expect(
      await runExperimentCli(['batch-size', '--out', dir], again, {
        experiments: experiments(fakeExperiment({ units: 3, runs })),
      }),
    ).toBe(0);
    expect(again.err.join('')).toContain(`${stored} rows already there`);
    expect(runs).toHaveLength(3 - stored / 2);
    const done = JSON.parse(await readFile(join(dir, 'batch-size.json'), 'utf8'));
    expect(done.rows.map((r: { value: number }) => r.value)).toEqual([0, 1, 10, 11, 20, 21]);
  });

  it('refuses to resume a run of the other mode, unless --fresh', async () => {
    const io = captureIo();
    const deps = { experiments: experiments(fakeExperiment({ units: 1 })) };
    expect(await runExperimentCli(['batch-size', '--quick', '--out', dir], io, deps)).toBe(0);
    const full = captureIo();
    expect(await runExperimentCli(['batch-size', '--out', dir], full, deps)).toBe(2);
    expect(full.err.join('')).toContain('holds a --quick run');
    expect(await runExperimentCli(['batch-size', '--fresh', '--out', dir], captureIo(), deps)).toBe(
      0,
    );
    expect(JSON.parse(await readFile(join(dir, 'batch-size.json'), 'utf8')).quick).toBe(false);
  });

  it('names an unknown experiment, with a suggestion (exit 2)', async () => {
    const io = captureIo();
    expect(await runExperimentCli(['batch-sise', '--out', dir], io)).toBe(2);
    expect(io.err.join('')).toContain(
      'unknown experiment "batch-sise" (did you mean "batch-size"?)',
    );
    await expect(stat(join(dir, 'batch-sise.json'))).rejects.toThrow();
  });

  it('rejects a corrupt results file instead of overwriting it', async () => {
    await writeFile(join(dir, 'batch-size.json'), '{ not json');
    const io = captureIo();
    const code = await runExperimentCli(['batch-size', '--out', dir], io, {
      experiments: experiments(fakeExperiment({ units: 1 })),
    });
    expect(code).toBe(2);
    expect(io.err.join('')).toContain('not valid JSON');
  });

  it('requires --out', async () => {
    const io = captureIo();
    expect(await runExperimentCli(['batch-size'], io)).toBe(2);
    expect(io.err.join('')).toContain('--out');
  });

  it('draws a progress line with configurations, elapsed time and ETA', () => {
    const line = progressLine({
      done: 3,
      total: 10,
      fraction: 0.25,
      elapsedMs: 65_000,
      etaMs: 195_000,
      current: 'sync-bn/b4/s1',
    });
    expect(line).toBe(
      '[#####---------------]  25%  3/10 configurations  sync-bn/b4/s1  elapsed 1m05s  ETA 3m15s',
    );
  });
});
