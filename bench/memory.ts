/**
 * Memory of a headless run against its length: the peak RSS of `sim` (the main thread and its
 * worker_threads) training the MNIST MLP on 8 devices for 5,000 and 50,000 steps with the default
 * telemetry (every step), metrics written to a file. Run: npm run bench -- --only memory
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const PEAK = join(import.meta.dirname, 'peak-rss.mjs');

/** The MNIST MLP on 8 devices × 4 (the app's default experiment), small enough for 50,000 steps. */
export function memoryConfig(steps: number): Record<string, unknown> {
  return {
    seed: 1,
    dataset: { name: 'mnist', train: 8000, test: 500 },
    model: { preset: 'mlp', hidden: [64, 64], norm: 'batch' },
    devices: 8,
    perDeviceBatch: 4,
    bnSync: 'sync',
    optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
    steps,
    evalEvery: 10_000,
    checksumEvery: 1000,
  };
}

interface Measured {
  readonly peakMb: number;
  readonly seconds: number;
  readonly outMb: number;
}

async function measure(steps: number, dir: string): Promise<Measured> {
  const configPath = join(dir, `memory-${steps}.json`);
  const outPath = join(dir, `metrics-${steps}.json`);
  writeFileSync(configPath, JSON.stringify(memoryConfig(steps)));
  const started = performance.now();
  const stderr = await new Promise<string>((done, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        PEAK,
        'src/cli/sim.ts',
        configPath,
        '--out',
        outPath,
        '--quiet',
      ],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let text = '';
    child.stderr.on('data', (d) => (text += d));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(text) : fail(new Error(`sim exited with ${code}: ${text}`)),
    );
  });
  const kb = Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? Number.NaN);
  const out = readFileSync(outPath);
  const metrics = JSON.parse(out.toString('utf8')) as { train: unknown[] };
  if (metrics.train.length !== steps) throw new Error(`expected ${steps} train rows`);
  return {
    peakMb: kb / 1024,
    seconds: (performance.now() - started) / 1000,
    outMb: out.length / 2 ** 20,
  };
}

export async function benchMemory(
  print: (line: string) => void,
  stepCounts: readonly number[] = [5000, 50_000],
): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-memory-'));
  const figures: Record<string, number> = {};
  print('MNIST MLP 784-64-BN-64-BN-10, 8 devices × 4, SyncBN, telemetry every step, --out file:');
  try {
    for (const steps of stepCounts) {
      const m = await measure(steps, dir);
      figures[`peak rss MB ${steps} steps`] = m.peakMb;
      print(
        `  ${String(steps).padStart(6)} steps: peak RSS ${m.peakMb.toFixed(0)} MB (target ≤ 400 at 50,000), ${m.seconds.toFixed(0)} s, metrics file ${m.outMb.toFixed(1)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
