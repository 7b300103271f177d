import type { Remote } from 'comlink';
import { describe, expect, it } from 'vitest';
import { WarmWorkerPool } from '../../src/coordinator/hosts/warm-worker-pool.ts';
import type { DeviceWorkerHandle } from '../../src/coordinator/hosts/worker-pool.ts';
import type { DeviceWorkerApi } from '../../src/workers/device-worker-api.ts';

/** Fake workers: each has an id (its api), can be made to die, and logs its termination. */
function fakeWorkers() {
  const log: string[] = [];
  const kill: ((e: Error) => void)[] = [];
  let n = 0;
  const spawn = (index: number): DeviceWorkerHandle => {
    const id = ++n;
    log.push(`spawn ${id} for ${index}`);
    const died = new Promise<never>((_, reject) => kill.push(reject));
    died.catch(() => {});
    return {
      api: { id } as unknown as Remote<DeviceWorkerApi>,
      died,
      terminate: () => log.push(`terminate ${id}`),
    };
  };
  const idOf = (h: DeviceWorkerHandle) => (h.api as unknown as { id: number }).id;
  return { log, kill, spawn, idOf };
}

describe('WarmWorkerPool', () => {
  it('hands a released worker to the next run instead of starting a new one', () => {
    const f = fakeWorkers();
    const pool = new WarmWorkerPool(f.spawn, 2);
    const a = pool.take(0);
    const b = pool.take(1);
    a.release!();
    b.release!();
    expect(pool.idleCount).toBe(2);
    expect([f.idOf(pool.take(0)), f.idOf(pool.take(1)), f.idOf(pool.take(2))]).toEqual([1, 2, 3]);
    expect(f.log).toEqual(['spawn 1 for 0', 'spawn 2 for 1', 'spawn 3 for 2']);
  });

  it('ends a terminated worker, a dead one and those beyond what it keeps', async () => {
    const f = fakeWorkers();
    const pool = new WarmWorkerPool(f.spawn, 1);
    const [a, b, c] = [pool.take(0), pool.take(1), pool.take(2)];
    a.terminate();
    a.release!(); // already handed back: nothing more happens
    f.kill[1]!(new Error('crashed'));
    await Promise.resolve();
    b.release!();
    c.release!();
    expect(f.log.filter((l) => l.startsWith('terminate'))).toEqual(['terminate 1', 'terminate 2']);
    expect(pool.idleCount).toBe(1);
    c.terminate(); // a handle given back cannot end the pooled worker behind the pool's back
    expect(f.idOf(pool.take(0))).toBe(3);
  });

  it('drops an idle worker that dies while waiting', async () => {
    const f = fakeWorkers();
    const pool = new WarmWorkerPool(f.spawn, 2);
    pool.take(0).release!();
    f.kill[0]!(new Error('crashed'));
    await Promise.resolve();
    expect(pool.idleCount).toBe(0);
    expect(f.idOf(pool.take(0))).toBe(2);
  });
});
