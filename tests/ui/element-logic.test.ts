import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { nextSort, storageText } from '../../src/ui/library/library-text.ts';
import { pickDevicePanel } from '../../src/ui/live/device-panel-pick.ts';
import { inputToForm } from '../../src/ui/model/config-form.ts';
import { formState } from '../../src/ui/model/form-state.ts';
import { presetShown } from '../../src/ui/model/preset-match.ts';
import { DEFAULT_STUDY, PRESETS } from '../../src/ui/model/presets.ts';
import type { Study } from '../../src/ui/model/study.ts';
import { type LiveRun, newLiveRun } from '../../src/ui/session/live-run.ts';
import { makeTelemetry } from './helpers.ts';

/** The logic the Lit elements hand to plain functions: which preset, which run, which text. */

/** A study loaded into the form and read back, as the form announces it. */
const asTheFormHoldsIt = (study: Study): Study =>
  formState(
    inputToForm(study.config),
    study.compare?.field ?? '',
    study.compare?.values.join(', ') ?? '',
  ).study;

describe('presetShown', () => {
  it('names each preset the form shows, and none once a setting differs', () => {
    for (const p of PRESETS) expect(presetShown(asTheFormHoldsIt(p.study))).toBe(p.id);
    const edited = PRESETS[0]!.study;
    const reseeded = { ...edited, config: { ...edited.config, seed: 12345 } };
    expect(presetShown(asTheFormHoldsIt(reseeded))).toBeNull();
    expect(presetShown(undefined)).toBeNull();
    expect(presetShown(asTheFormHoldsIt({ ...DEFAULT_STUDY, compare: null }))).toBeNull();
  });

  it('the page opens with the default study, which shows as its preset (with what to look at)', () => {
    expect(presetShown(asTheFormHoldsIt(DEFAULT_STUDY))).toBe('syncbn-vs-local-2');
  });
});

describe('pickDevicePanel', () => {
  const config = parseConfig({ dataset: { name: 'spiral' }, model: { preset: 'mlp' } });
  const run = (key: string, withTelemetry: boolean): LiveRun => {
    const r = newLiveRun(key, key, config);
    return withTelemetry ? { ...r, telemetry: makeTelemetry(0, 4) } : r;
  };
  const none = { runKey: '', layer: '' };

  it('shows the featured run, on its first layer', () => {
    const runs = [run('a', true), run('b', true)];
    expect(pickDevicePanel(runs, 1, false, none)).toEqual({ runKey: 'b', layer: 'bn1' });
  });

  it("keeps the user's pick over the featured run", () => {
    const runs = [run('a', true), run('b', true)];
    const shown = { runKey: 'a', layer: 'bn2' };
    expect(pickDevicePanel(runs, 1, true, shown)).toEqual(shown);
  });

  it('a run without telemetry falls back to the last run that has some', () => {
    const runs = [run('a', true), run('b', false)];
    expect(pickDevicePanel(runs, 1, false, none)).toEqual({ runKey: 'a', layer: 'bn1' });
    expect(pickDevicePanel([run('b', false)], 0, false, none)).toEqual(none);
  });

  it('moves to the featured run once it has telemetry, though another run had some first', () => {
    // Runs train together: the second may send its first statistics before the first.
    const first = pickDevicePanel([run('a', false), run('b', true)], 0, false, none);
    expect(first.runKey).toBe('b');
    expect(pickDevicePanel([run('a', true), run('b', true)], 0, false, first).runKey).toBe('a');
  });
});

describe('storageText', () => {
  it('says where runs are kept and whether the browser may clear them', () => {
    expect(storageText('unavailable', null, null)).toBe('Runs cannot be saved in this browser.');
    expect(storageText('closed', null, null)).toBe('The library is closed in this tab.');
    expect(storageText('ready', null, null)).toBe('Runs are saved in this browser.');
    const e = { usage: 2048, quota: 1024 * 1024 };
    expect(storageText('ready', e, true)).toMatch(
      /^Storage used: .+ of .+ available to this site\. The browser keeps it even/,
    );
    expect(storageText('ready', null, false)).toMatch(/^The browser may clear it/);
  });
});

describe('nextSort', () => {
  it('flips the order of the same column; a new column starts A→Z for names, newest first else', () => {
    expect(nextSort({ sortBy: 'updatedAt', order: 'desc' }, 'updatedAt')).toEqual({
      sortBy: 'updatedAt',
      order: 'asc',
    });
    expect(nextSort({ sortBy: 'updatedAt', order: 'desc' }, 'name')).toEqual({
      sortBy: 'name',
      order: 'asc',
    });
    expect(nextSort({ sortBy: 'name', order: 'asc' }, 'createdAt')).toEqual({
      sortBy: 'createdAt',
      order: 'desc',
    });
  });
});
