import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { CallTag } from '../../src/collectives/collective.ts';
import { createSharedMemoryLayout } from '../../src/collectives/shared-memory.ts';

const BOOT = new URL('../../src/platform/node/ts-worker-boot.mjs', import.meta.url);
const ENTRY = new URL('./fixtures/collective-worker.ts', import.meta.url).href;

type Outcome = { ok: true; sums: number[] } | { ok: false; error: string };

function runWorkers(scripts: CallTag[][], timeoutMs: number): Promise<Outcome[]> {
  const layout = createSharedMemoryLayout({
    ranksOf: [[0, 1], [2], [3]].slice(0, scripts.length),
    devices: scripts.length === 3 ? 4 : 3,
    slotLength: 2,
    vectorLength: 4,
    timeoutMs,
  });
  return Promise.all(
    scripts.map(
      (calls, worker) =>
        new Promise<Outcome>((resolve, reject) => {
          const w = new Worker(BOOT, {
            workerData: { entry: ENTRY, script: { layout, worker, calls } },
          });
          w.once('message', (m: Outcome) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
}

const moments = (layerIndex: number, layer: string, step = 0): CallTag => ({
  step,
  kind: 'moments',
  layerIndex,
  layer,
});
const reductions = (layerIndex: number, layer: string, step = 0): CallTag => ({
  step,
  kind: 'reductions',
  layerIndex,
  layer,
});

describe('shared-memory collectives between real worker_threads', () => {
  it('all-gather returns every device payload in device order, repeatedly', async () => {
    const calls = [
      moments(0, 'bn1'),
      moments(1, 'bn2'),
      reductions(1, 'bn2'),
      reductions(0, 'bn1'),
    ];
    const out = await runWorkers([calls, calls, calls], 2000);
    for (const o of out) expect(o).toEqual({ ok: true, sums: [10, 10, 10, 10] });
  });

  it('a device that calls a different collective is named, not waited for', async () => {
    const started = performance.now();
    const out = await runWorkers(
      [[moments(0, 'bn1')], [reductions(1, 'bn2')], [moments(0, 'bn1')]],
      5000,
    );
    expect(performance.now() - started).toBeLessThan(4000);
    const errors = out.map((o) => (o.ok ? '' : o.error));
    // Whoever notices first names the mismatch and aborts the rest, who stop at once.
    for (const e of errors)
      expect(e).toMatch(/collective mismatch at step 0|^aborted while waiting/);
    expect(errors.join('\n')).toMatch(
      /device 2 \(worker 1\) called reductions of layer bn2|called moments of layer bn1 but device 2 \(worker 1\) called reductions of BN layer #2/,
    );
  });

  it('a device that never comes is named when the timeout expires', async () => {
    const started = performance.now();
    const out = await runWorkers([[moments(0, 'bn1', 7)], [moments(0, 'bn1', 7)], []], 400);
    const waited = performance.now() - started;
    expect(waited).toBeLessThan(3000);
    expect(out[2]).toEqual({ ok: true, sums: [] });
    const errors = out.slice(0, 2).map((o) => (o.ok ? 'no error' : o.error));
    expect(errors.join('\n')).toMatch(
      /device 3 \(worker 2\) did not reach moments of layer bn1 at step 7 within 400 ms/,
    );
    for (const e of errors) expect(e).toMatch(/did not reach|^aborted while waiting/);
  });
});
