import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/config/schema.ts';
import type { RunEvent } from '../../../src/coordinator/events.ts';
import type { CoordinatorHandle } from '../../../src/platform/browser/coordinator-client.ts';
import { NormComparisonController } from '../../../src/ui/learn/norm-comparison-controller.ts';

function host(): ReactiveControllerHost {
  return {
    addController: (_c: ReactiveController) => {},
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
}

/**
 * A coordinator whose run() resolves before its last events arrive, as the real one can (the
 * events come over their own channel): accuracy = 0.1 × the run's index + 0.1.
 */
function lateCoordinator(fail?: string): {
  handle: CoordinatorHandle;
  norms: string[];
  terminated: () => boolean;
} {
  const norms: string[] = [];
  let terminated = false;
  const api = {
    run: async (config: RunConfig, _options: unknown, onEvent: (e: RunEvent) => void) => {
      norms.push(config.model.norm);
      const index = norms.length;
      setTimeout(() => {
        if (fail && index === 2) onEvent({ type: 'failed', message: fail });
        else
          onEvent({
            type: 'finished',
            status: 'completed',
            final: { testAcc: index / 10, testLoss: 1 },
          });
      }, 20);
    },
  };
  const handle = {
    api,
    died: new Promise<never>(() => {}),
    terminate: () => {
      terminated = true;
    },
  } as unknown as CoordinatorHandle;
  return { handle, norms, terminated: () => terminated };
}

describe('step 6: the comparison controller', () => {
  it('trains the four norms in order and keeps every result, the last one arriving after run() returned', async () => {
    const fake = lateCoordinator();
    const c = new NormComparisonController(host(), () => fake.handle);
    await c.start();
    expect(fake.norms).toEqual(['batch', 'group', 'layer', 'renorm']);
    expect(c.state).toBe('done');
    expect(c.results.map((r) => [r.norm, r.testAcc])).toEqual([
      ['batch', 0.1],
      ['group', 0.2],
      ['layer', 0.3],
      ['renorm', 0.4],
    ]);
    expect(c.fraction).toBe(1);
    expect(fake.terminated()).toBe(true);
  });

  it('stops at a failed run and says why', async () => {
    const fake = lateCoordinator('GroupNorm: groups must divide the channels');
    const c = new NormComparisonController(host(), () => fake.handle);
    await c.start();
    expect(c.state).toBe('failed');
    expect(c.failure).toMatch(/groups must divide/);
    expect(fake.norms).toEqual(['batch', 'group']);
    expect(c.results).toHaveLength(1);
    expect(fake.terminated()).toBe(true);
  });
});
