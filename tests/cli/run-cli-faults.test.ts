import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';
import { CALL_MARGIN_MS } from '../../src/coordinator/hosts/worker-pool.ts';
import { stuckPlatform } from '../helpers/stuck-platform.ts';

// A failed or stopped run still writes what it has to --out: the rows so far, the status and
// the error; a stuck worker fails the run within the deadline and the process ends by itself.
const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sim-faults-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TIMEOUT_MS = 1000;
const config = {
  seed: 3,
  dataset: { name: 'mnist', train: 512, test: 128, downsample: true },
  model: { preset: 'mlp', hidden: [32, 32], norm: 'batch' },
  optimizer: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  devices: 4,
  perDeviceBatch: 8,
  bnSync: 'sync',
  steps: 20,
  evalEvery: 6,
  collectiveTimeoutMs: TIMEOUT_MS,
};

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

interface Metrics {
  train: { step: number }[];
  eval: { step: number }[];
  final: unknown;
  telemetry?: { step: number[] };
  status: string;
  error?: string;
}

describe('runCli: a run that fails still writes its metrics', () => {
  it('a stuck worker: exit 1 naming it, and --out holds the rows so far, status failed and the error', async () => {
    const out = join(dir, 'stuck.json');
    let stderr = '';
    const code = await runCli(
      [file('stuck.json', config), '--out', out, '--quiet'],
      {
        stdout: async () => {},
        stderr: (t) => {
          stderr += t;
        },
        stderrIsTTY: false,
      },
      { platform: stuckPlatform({ how: 'spin', at: { trainStep: 3 } }) },
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/^run failed: devices 2–3 \(worker 1\) did not answer train step 4 /);
    const metrics = JSON.parse(readFileSync(out, 'utf8')) as Metrics;
    expect(metrics.train.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(metrics.status).toBe('failed');
    expect(metrics.error).toMatch(/devices 2–3 \(worker 1\) did not answer train step 4 .*stuck/);
    expect(metrics.final).toBeNull();
    expect(metrics.telemetry?.step).toEqual([1, 2, 3]);
  });

  it('a completed run says so, with no error', async () => {
    const out = join(dir, 'good.json');
    const code = await runCli(
      [file('good.json', { ...config, steps: 6 }), '--out', out, '--quiet', '--in-process'],
      { stdout: async () => {}, stderr: () => {}, stderrIsTTY: false },
    );
    expect(code).toBe(0);
    const metrics = JSON.parse(readFileSync(out, 'utf8')) as Metrics;
    expect(metrics.status).toBe('completed');
    expect(metrics.error).toBeUndefined();
    expect(metrics.train).toHaveLength(6);
    expect(metrics.eval.map((r) => r.step)).toEqual([6]);
  });
});

describe('the sim process with a stuck worker', () => {
  function simStuck(
    how: string,
    where: string,
    args: string[],
    /** Called with each chunk of stderr and a way to send the process SIGINT. */
    onStderr?: (text: string, interrupt: () => void) => void,
  ): Promise<{ code: number | null; stderr: string; ms: number }> {
    const started = performance.now();
    return new Promise((done, fail) => {
      // node --import tsx rather than the tsx binary: SIGINT then reaches the process itself.
      const script = how === 'none' ? 'src/cli/sim.ts' : 'tests/cli/fixtures/sim-stuck.ts';
      const scriptArgs = how === 'none' ? args : [how, where, ...args];
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...scriptArgs], {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
        onStderr?.(stderr, () => child.kill('SIGINT'));
      });
      child.on('error', fail);
      child.on('close', (code) => done({ code, stderr, ms: performance.now() - started }));
    });
  }

  it('Ctrl-C stops after the current step: exit 0, --out holds the rows with status stopped', async () => {
    const out = join(dir, 'stopped.json');
    let sent = false;
    const long = { ...config, steps: 5000, evalEvery: 5000 };
    const o = await simStuck('none', '', [file('long.json', long), '--out', out], (text, stop) => {
      if (!sent && /^step /m.test(text)) {
        sent = true;
        stop();
      }
    });
    expect(o.code).toBe(0);
    const metrics = JSON.parse(readFileSync(out, 'utf8')) as Metrics;
    expect(metrics.status).toBe('stopped');
    expect(metrics.train.length).toBeGreaterThan(0);
    expect(metrics.train.length).toBeLessThan(5000);
    expect(metrics.final).not.toBeNull();
  });

  it('a second Ctrl-C during a stuck step ends the process at once, --out still complete', async () => {
    const out = join(dir, 'aborted.json');
    let sent = 0;
    // A deadline far away: only the second Ctrl-C ends this run.
    const slow = { ...config, collectiveTimeoutMs: 120_000 };
    const o = await simStuck(
      'wait',
      'train',
      [file('slow.json', slow), '--out', out],
      (text, stop) => {
        if (sent === 0 && /^step /m.test(text)) {
          sent = 1;
          // Let the run reach the stuck step, then Ctrl-C twice.
          setTimeout(() => {
            stop();
            setTimeout(() => {
              sent = 2;
              stop();
            }, 1000);
          }, 2000);
        }
      },
    );
    expect(sent).toBe(2);
    expect(o.code).toBe(130);
    const metrics = JSON.parse(readFileSync(out, 'utf8')) as Metrics;
    expect(metrics.status).toBe('stopped');
    expect(metrics.error).toMatch(/second Ctrl-C/);
    expect(metrics.train.map((r) => r.step)).toEqual([1, 2, 3]);
  });

  it.each([
    ['wait', 'eval'],
    ['spin', 'train'],
  ])(
    '%s during %s: fails naming the worker, writes --out and exits by itself',
    async (how, where) => {
      const out = join(dir, `process-${how}-${where}.json`);
      const o = await simStuck(how!, where!, [
        file(`p-${how}.json`, config),
        '--out',
        out,
        '--quiet',
      ]);
      expect(o.code).toBe(1);
      expect(o.stderr).toMatch(/run failed: devices 2–3 \(worker 1\) did not answer/);
      // Start-up (tsx, MNIST) plus the deadline, with room for a loaded machine.
      expect(o.ms).toBeLessThan(TIMEOUT_MS + CALL_MARGIN_MS + 30_000);
      const metrics = JSON.parse(readFileSync(out, 'utf8')) as Metrics;
      expect(metrics.status).toBe('failed');
      expect(metrics.train.length).toBe(where === 'eval' ? 6 : 3);
    },
  );
});
