import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { sessionHeadline } from '../../src/ui/live/session-headline.ts';
import { type LiveRun, type LiveStatus, newLiveRun } from '../../src/ui/session/live-run.ts';
import { featuredRun } from '../../src/ui/session/session-controller.ts';

const config = (norm = 'batch') =>
  parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp', norm }, steps: 300 });
const run = (label: string, status: LiveStatus, step: number, norm = 'batch'): LiveRun => ({
  ...newLiveRun(label, label, config(norm)),
  status,
  step,
});

describe('sessionHeadline', () => {
  it('before any run, and for one run: its status and step', () => {
    expect(sessionHeadline([], false, false)).toMatch(/^Nothing has trained yet/);
    expect(sessionHeadline([run('local BN', 'running', 12)], true, false)).toBe(
      'local BN — training, step 12 of 300',
    );
  });

  it('one run says "done" only once its record is saved, not while its last writes land', () => {
    const saving = sessionHeadline([run('local BN', 'completed', 300)], true, false);
    expect(saving).toBe('local BN — saving to the run library, step 300 of 300');
    expect(saving).not.toMatch(/done/);
    expect(sessionHeadline([run('local BN', 'stopped', 40)], true, false)).not.toMatch(/stopped/);
    expect(sessionHeadline([run('local BN', 'completed', 300)], false, false)).toBe(
      'local BN — done, step 300 of 300',
    );
  });

  it('runs training together: each one’s step, and "done" only once all have settled', () => {
    const busy = sessionHeadline(
      [run('local BN', 'completed', 300), run('SyncBN', 'running', 280)],
      true,
      false,
    );
    expect(busy).toBe(
      'Training 2 runs side by side: local BN at step 300 of 300, SyncBN at step 280 of 300',
    );
    expect(busy).not.toMatch(/done/);
    expect(
      sessionHeadline([run('local BN', 'paused', 40), run('SyncBN', 'paused', 41)], true, true),
    ).toBe('Paused: local BN at step 40 of 300, SyncBN at step 41 of 300');
    expect(
      sessionHeadline(
        [run('local BN', 'completed', 300), run('SyncBN', 'completed', 300)],
        false,
        false,
      ),
    ).toBe('All 2 runs done: local BN, SyncBN, 300 steps each');
    expect(
      sessionHeadline(
        [run('local BN', 'failed', 3), run('SyncBN', 'completed', 300)],
        false,
        false,
      ),
    ).toBe('local BN — failed, step 3 of 300; SyncBN — done, step 300 of 300');
  });
});

describe('featuredRun', () => {
  it('the first run that normalizes with batch statistics, else the first; -1 for none', () => {
    expect(featuredRun([run('a', 'running', 1), run('b', 'running', 1)])).toBe(0);
    expect(featuredRun([run('none', 'running', 1, 'none'), run('bn', 'running', 1)])).toBe(1);
    expect(featuredRun([run('gn', 'running', 1, 'group'), run('ln', 'running', 1, 'layer')])).toBe(
      0,
    );
    expect(featuredRun([])).toBe(-1);
  });
});
