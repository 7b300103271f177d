import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import type { RunRecord } from '../../src/store/index.ts';
import { interruptedOffer, interruptedText } from '../../src/ui/app/resume-controller.ts';

const record = (id: string, status: RunRecord['status'], updatedAt: number): RunRecord => ({
  id,
  name: `run ${id}`,
  config: parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' }, steps: 100 }),
  status,
  createdAt: 1,
  updatedAt,
  summary: { stepsDone: 60, steps: 100, lastLoss: 0.5, testAcc: null, testLoss: null },
});

describe('the interrupted run offered at the top of the page', () => {
  const runs = [
    record('a', 'interrupted', 5),
    record('b', 'completed', 9),
    record('c', 'interrupted', 7),
  ];

  it('is the interrupted run saved last', () => {
    expect(interruptedOffer(runs, new Set(), false)?.id).toBe('c');
  });

  it('is not offered while something trains, nor once dismissed', () => {
    expect(interruptedOffer(runs, new Set(), true)).toBeNull();
    expect(interruptedOffer(runs, new Set(['c']), false)?.id).toBe('a');
    expect(interruptedOffer(runs, new Set(['a', 'c']), false)).toBeNull();
    expect(interruptedOffer([record('b', 'completed', 1)], new Set(), false)).toBeNull();
  });

  it('says where it stopped', () => {
    expect(interruptedText(record('a', 'interrupted', 1))).toBe(
      '‘run a’ was interrupted at step 60 of 100.',
    );
  });
});
