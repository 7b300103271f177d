import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The real process, as a user runs it (`npx tsx src/cli/sim.ts`, through the local tsx binary to
// save npx's start-up): exit codes, no stack traces, devices in worker_threads. The messages
// themselves are covered in-process by run-cli.test.ts; each spawn costs a tsx start (1–2 s here).
const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const dir = mkdtempSync(join(tmpdir(), 'sim-spawn-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sim(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(TSX, ['src/cli/sim.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function file(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

const spiral = {
  dataset: { name: 'spiral', train: 200, test: 100 },
  model: { preset: 'mlp', hidden: [16] },
  devices: 1,
  perDeviceBatch: 16,
};

describe('npx tsx src/cli/sim.ts', () => {
  it('exit 2 and one line for bad input, exit 0 and metrics for a good run on workers', async () => {
    const out = join(dir, 'metrics.json');
    const [json, groups, good] = await Promise.all([
      sim(file('bad.json', '{\n  "seed": 1,\n}\n')),
      sim(
        file('groups.json', {
          ...spiral,
          model: { preset: 'mlp', hidden: [30], norm: 'group', normOptions: { groups: 4 } },
        }),
      ),
      sim(
        file('good.json', {
          ...spiral,
          devices: 2,
          perDeviceBatch: 8,
          bnSync: 'sync',
          steps: 20,
          evalEvery: 10,
        }),
        '--out',
        out,
      ),
    ]);

    expect(json.code).toBe(2);
    expect(json.stderr).toBe(
      `${join(dir, 'bad.json')}:3:1: invalid JSON: trailing comma before '}'\n`,
    );
    expect(json.stdout).toBe('');

    expect(groups.code).toBe(2);
    expect(groups.stderr).toBe(
      'model.normOptions.groups: 4 groups do not divide the 30 features of fc1; use a divisor of 30 (e.g. 1, 2, 3, 5, 6, 10)\n',
    );

    expect(good.stderr).not.toMatch(/^\s+at /m);
    expect(good.code).toBe(0);
    const metrics = JSON.parse(readFileSync(out, 'utf8'));
    expect(metrics.train).toHaveLength(20);
    expect(metrics.eval.map((r: { step: number }) => r.step)).toEqual([10, 20]);
  });
});
