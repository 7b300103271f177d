import { describe, expect, it } from 'vitest';
import { FIELDS, type FieldSpec, type FormValues } from '../../src/ui/model/config-fields.ts';
import { inputToForm } from '../../src/ui/model/config-form.ts';
import {
  fieldApplies,
  LESSON_FIELDS,
  newSettingsProblem,
  settingsProblemPaths,
  settingsSections,
  sliderIndex,
} from '../../src/ui/model/field-layout.ts';
import { formState } from '../../src/ui/model/form-state.ts';
import { DEFAULT_STUDY, PRESETS } from '../../src/ui/model/presets.ts';

/*
 * Where the setup form puts each field (issue #11, point 1): devices, per-device batch and BN
 * statistics on the first screen; every other field under "All settings", grouped, listed only
 * when it applies to the study (its config or any run the varied setting makes), and always
 * when it has a problem.
 */

const start = (): FormValues => inputToForm(DEFAULT_STUDY.config);
const spec = (path: string): FieldSpec => FIELDS.find((f) => f.path === path)!;
const listed = (values: FormValues, problems: Record<string, string[]> = {}, compare = null) =>
  settingsSections(values, compare, problems).flatMap((s) => s.fields.map((f) => f.path));

describe('the first screen and "All settings"', () => {
  it('the first screen holds devices, per-device batch and BN statistics; everything else is under "All settings"', () => {
    expect(LESSON_FIELDS.map((f) => f.path)).toEqual(['devices', 'perDeviceBatch', 'bnSync']);
    const everything: Record<string, string[]> = Object.fromEntries(
      FIELDS.map((f) => [f.path, ['a problem']]),
    );
    const under = listed(start(), everything);
    // Every other field, once.
    expect(under.length).toBe(new Set(under).size);
    expect([...under].sort()).toEqual(
      FIELDS.filter((f) => !LESSON_FIELDS.includes(f))
        .map((f) => f.path)
        .sort(),
    );
  });

  it('groups under "All settings": data, model, normalization, running statistics, batches, optimizer, schedule, evaluation, advanced', () => {
    const sections = settingsSections(start(), null, {});
    expect(sections.map((s) => s.id)).toEqual([
      'data',
      'model',
      'norm',
      'running',
      'devices',
      'optim',
      'schedule',
      'eval',
      'advanced',
    ]);
    expect(sections.every((s) => s.fields.length > 0 && s.problems === 0)).toBe(true);
  });

  it('the 2-D sets’ noise, feature scale and classes are listed only for those sets; MNIST’s downsampling only for MNIST', () => {
    const mnist = listed(start());
    for (const path of ['dataset.noise', 'dataset.featureScale', 'dataset.classes'])
      expect(mnist).not.toContain(path);
    expect(mnist).toContain('dataset.downsample');
    const spiral = listed({ ...start(), 'dataset.name': 'spiral' });
    expect(spiral).toEqual(
      expect.arrayContaining(['dataset.noise', 'dataset.featureScale', 'dataset.classes']),
    );
    expect(spiral).not.toContain('dataset.downsample');
    expect(listed({ ...start(), 'dataset.name': 'moons' })).not.toContain('dataset.classes');
  });

  it('norm options only for the norm that uses them; running statistics only where they are kept', () => {
    const batch = listed(start());
    for (const path of [
      'model.normOptions.groups',
      'model.normOptions.virtualBatch',
      'model.normOptions.rmax',
    ])
      expect(batch).not.toContain(path);
    expect(batch).toEqual(
      expect.arrayContaining([
        'model.normOptions.momentum',
        'runningStats',
        'model.normOptions.eps',
      ]),
    );
    expect(listed({ ...start(), 'model.norm': 'group' })).toContain('model.normOptions.groups');
    const none = listed({ ...start(), 'model.norm': 'none' });
    for (const path of [
      'model.normOptions.eps',
      'model.normOptions.affine',
      'model.normOptions.momentum',
      'model.normOptions.trackRunningStats',
      'runningStats',
    ])
      expect(none).not.toContain(path);
    const untracked = listed({ ...start(), 'model.normOptions.trackRunningStats': false });
    expect(untracked).toContain('model.normOptions.trackRunningStats');
    expect(untracked).not.toContain('model.normOptions.momentum');
    expect(untracked).not.toContain('runningStats');
  });

  it('a setting that matters to one of the compared runs is listed (GroupNorm’s groups when comparing batch with group)', () => {
    const groupnorm = PRESETS.find((p) => p.id === 'groupnorm')!.study;
    const values = inputToForm(groupnorm.config);
    expect(values['model.norm']).toBe('batch');
    expect(fieldApplies(spec('model.normOptions.groups'), values, null)).toBe(false);
    expect(fieldApplies(spec('model.normOptions.groups'), values, groupnorm.compare)).toBe(true);
    expect(
      settingsSections(values, groupnorm.compare, {}).flatMap((s) => s.fields.map((f) => f.path)),
    ).toContain('model.normOptions.groups');
    // No normalization against BN: BN statistics still decide the BN run.
    const noNorm = { ...start(), 'model.norm': 'none' };
    expect(fieldApplies(spec('bnSync'), noNorm, null)).toBe(false);
    expect(
      fieldApplies(spec('bnSync'), noNorm, { field: 'model.norm', values: ['none', 'batch'] }),
    ).toBe(true);
  });

  it('a field with a problem is listed even where it does not apply, and counted in its group', () => {
    const sections = settingsSections(start(), null, { 'dataset.noise': ['must be at least 0'] });
    const data = sections.find((s) => s.id === 'data')!;
    expect(data.fields.map((f) => f.path)).toContain('dataset.noise');
    expect(data.problems).toBe(1);
  });

  it('over many form states, every field with a problem is on the first screen or listed under "All settings"', () => {
    const edits: [string, readonly (string | boolean)[]][] = [
      ['dataset.name', ['mnist', 'spiral', 'blobs', 'xor']],
      ['dataset.noise', ['', '0.1', '-1', 'x']],
      ['dataset.featureScale', ['', '1, 100', '1, 2, 3']],
      ['dataset.classes', ['', '3', '0']],
      ['model.norm', ['batch', 'ghost', 'renorm', 'group', 'layer', 'none']],
      ['model.normOptions.groups', ['', '4', '5']],
      ['model.normOptions.virtualBatch', ['', '2', '5000']],
      ['model.normOptions.trackRunningStats', [true, false]],
      ['evalMode', ['running', 'batch', 'precise']],
      ['evalBatch', ['', '1', '7']],
      ['optimizer.name', ['sgd', 'adam']],
      ['optimizer.beta1', ['', '0.9', '2']],
      ['perDeviceBatch', ['', '1', '4', '1500']],
    ];
    let seen = 0;
    for (let i = 0; i < 300; i++) {
      const values = start();
      for (const [j, [path, options]] of edits.entries())
        values[path] = options[(i * (j + 7) + j * j) % options.length]!;
      const s = formState(values, i % 3 === 0 ? 'model.norm' : '', 'none, batch, group');
      const shown = new Set([
        ...LESSON_FIELDS.map((f) => f.path),
        ...settingsSections(values, s.study.compare, s.shownProblems).flatMap((g) =>
          g.fields.map((f) => f.path),
        ),
      ]);
      for (const path of Object.keys(s.shownProblems)) {
        expect(shown.has(path), `${path} with ${JSON.stringify(values)}`).toBe(true);
        seen++;
      }
    }
    expect(seen).toBeGreaterThan(100);
  });

  it('a problem that appears under "All settings" is new; one on the first screen or one already there is not', () => {
    const before = settingsProblemPaths({ devices: ['x'] });
    expect([...before]).toEqual([]);
    const now = settingsProblemPaths({ devices: ['x'], 'dataset.train': ['too few'] });
    expect([...now]).toEqual(['dataset.train']);
    expect(newSettingsProblem(before, now)).toBe(true);
    expect(newSettingsProblem(now, now)).toBe(false);
    expect(newSettingsProblem(now, new Set())).toBe(false);
  });

  it('the per-device batch slider: stops 1…64, the nearest stop on a log scale', () => {
    const stops = spec('perDeviceBatch').sliderStops!;
    expect(stops).toEqual([1, 2, 4, 8, 16, 32, 64]);
    expect(sliderIndex(stops, '4')).toBe(2);
    expect(sliderIndex(stops, '3')).toBe(2);
    expect(sliderIndex(stops, '5')).toBe(2);
    expect(sliderIndex(stops, '64')).toBe(6);
    expect(sliderIndex(stops, '1500')).toBe(6);
    for (const text of ['', 'x', '0', '-3']) expect(sliderIndex(stops, text)).toBe(0);
  });
});
