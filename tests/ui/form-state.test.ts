import { describe, expect, it } from 'vitest';
import { configFromValue } from '../../src/config/config-text.ts';
import { checkModelBuilds } from '../../src/config/preflight.ts';
import { ConfigError, parseConfig, type RunConfig } from '../../src/config/schema.ts';
import { BN_SYNC_GROUP_KEY, FIELDS, type FormValues } from '../../src/ui/model/config-fields.ts';
import { formToInput, inputToForm, validateInput } from '../../src/ui/model/config-form.ts';
import { toEditableInput } from '../../src/config/config-input.ts';
import { setPath } from '../../src/config/config-object.ts';
import { compareValue, isCompareField } from '../../src/ui/model/study.ts';
import { decodeStudyHash, encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { type FormState, formState } from '../../src/ui/model/form-state.ts';
import { DEFAULT_STUDY } from '../../src/ui/model/presets.ts';

/*
 * The form can never run a configuration other than the one it shows: over random sequences of
 * field edits (valid and not), whenever Run is enabled the configs it would run are exactly what
 * the form's boxes say and what the URL hash encodes; whenever the form shows a problem, Run is
 * disabled; and no state throws.
 */

const start = (): FormValues => inputToForm(DEFAULT_STUDY.config);

/** Values a person might type or pick, for the fields the cross-field rules read (and a few more). */
const CANDIDATES: Record<string, readonly (string | boolean)[]> = {
  devices: ['1', '2', '3', '4', '8', '64', '65', '0', '-1', '1.5', 'two', '', '9e15'],
  perDeviceBatch: ['', '1', '2', '3', '5', '40', '1500', '4096', '4097', '0', 'x'],
  globalBatch: ['', '1', '3', '5', '9', '30', '3000', '0'],
  'dataset.train': ['', '2', '10', '200', '2000', '8000', '9000', '0', '1e6'],
  'dataset.test': ['', '50', '2001'],
  'dataset.name': ['mnist', 'spiral', 'xor', 'blobs'],
  'dataset.featureScale': ['', '1', '1, 100', '1, 2, 3', '0', 'a, b'],
  'model.preset': ['mlp', 'cnn', 'bn-paper-mlp'],
  'model.hidden': ['', '8', '64, 64', '0', 'x'],
  'model.norm': ['batch', 'ghost', 'renorm', 'group', 'layer', 'none'],
  'model.normOptions.virtualBatch': ['', '1', '2', '3', '4', '8', '5000'],
  'model.normOptions.groups': ['', '1', '4', '5'],
  'model.normOptions.trackRunningStats': [true, false],
  bnSync: ['local', 'sync', 'group'],
  [BN_SYNC_GROUP_KEY]: ['1', '2', '3', '9', '', 'g'],
  evalMode: ['running', 'batch', 'precise'],
  preciseSamples: ['', '2', '100', '500', '2000', '9000000000000000'],
  evalBatch: ['', '1', '7', '1e9'],
  evalEvery: ['', '1', '25', '9e15'],
  steps: ['', '1', '5', '-5'],
  'optimizer.lr': ['', '0.1', '0', '-1', 'fast'],
};
const KEYS = Object.keys(CANDIDATES);
const COMPARES: readonly [string, string][] = [
  ['', ''],
  ['', ''],
  ['bnSync', 'local, sync'],
  ['perDeviceBatch', '2, 1500'],
  ['devices', '1, 2, 64'],
  ['perDeviceBatch', ''],
  ['seed', '1, 2'],
];

/** mulberry32: a small seeded generator, so a failure replays. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Raw schema text or config keys in a message shown at a field (the form speaks in labels). */
const NOT_FORM_WORDS =
  /Infinity|NaN|undefined|Too small|Too big|Invalid input|expected (number|int)|perDeviceBatch|globalBatch|dataset\.|normOptions\.|evalMode|bnSync|trackRunningStats|preciseSamples/;

/** The configs the form shows: its boxes read back, with the side-by-side value set per variant. */
function shownConfigs(values: FormValues, s: FormState): (RunConfig | null)[] {
  const { input, unreadable } = formToInput(values);
  const compare = s.study.compare;
  const inputs = compare
    ? compare.values.map((v) => setPath(input, compare.field, compareValue(compare.field, v)))
    : [input];
  return inputs.map((i) => {
    if (Object.keys(unreadable).length > 0 && !(compare && unreadable[compare.field])) return null;
    return validateInput(i).config;
  });
}

function checkInvariants(values: FormValues, s: FormState, where: string): void {
  const problems = s.reading.problems;
  const shownAtFields = Object.entries(s.shownProblems);
  const badVariants = s.variants.filter((v) => v.config === null);
  const showsProblem =
    shownAtFields.length > 0 || problems.general.length > 0 || badVariants.length > 0;
  // Whenever the form shows a problem, Run is disabled (and says why).
  expect(s.blockers.length > 0, where).toBe(showsProblem);
  if (showsProblem) {
    expect(s.runs, where).toEqual([]);
  }
  for (const [, list] of shownAtFields)
    for (const m of list) expect(m, where).not.toMatch(NOT_FORM_WORDS);
  // The CLI agrees: the config the boxes describe passes the runner's checks exactly when the
  // form finds no problem in it (the same schema and rules, src/config/rules.ts).
  const { input, unreadable } = formToInput(values);
  if (Object.keys(unreadable).length === 0) {
    const cliAccepts = (() => {
      try {
        checkModelBuilds(configFromValue(input, 'form'));
        return true;
      } catch (err) {
        expect(err, where).toBeInstanceOf(ConfigError);
        return false;
      }
    })();
    expect(cliAccepts, where).toBe(s.reading.config !== null);
  }
  if (s.blockers.length > 0) return;

  // Run is enabled: what it runs is what the boxes say…
  const shown = shownConfigs(values, s);
  expect(
    s.runs.map((r) => r.config),
    where,
  ).toEqual(shown);
  // …what the form shows again when that config is loaded back (library "use settings")…
  for (const run of s.runs) {
    const reloaded = parseConfig(formToInput(inputToForm(toEditableInput(run.config))).input);
    expect(reloaded, where).toEqual(run.config);
  }
  // …and what the URL hash encodes.
  const decoded = decodeStudyHash(`#${encodeStudyHash(s.study)}`);
  expect(decoded.kind, where).toBe('ok');
  if (decoded.kind !== 'ok') return;
  const fromLink = formState(
    inputToForm(decoded.study.config),
    decoded.study.compare?.field ?? '',
    decoded.study.compare?.values.join(', ') ?? '',
  );
  expect(fromLink.blockers, where).toEqual([]);
  expect(
    fromLink.runs.map((r) => r.config),
    where,
  ).toEqual(s.runs.map((r) => r.config));
}

describe('the form runs only what it shows', () => {
  it('the reported case: Devices 2 × Per-device batch 1500 on 2,000 training examples', () => {
    for (const [devices, batch] of [
      ['2', '1500'],
      ['64', '40'],
      ['64', '4096'],
    ] as const) {
      const values = { ...start(), devices, perDeviceBatch: batch };
      const s = formState(values, '', '');
      expect(s.runs).toEqual([]);
      const at = s.reading.problems.byField;
      expect(at['perDeviceBatch']?.[0]).toMatch(
        new RegExp(
          `“Devices \\(K\\)” ${devices} × “Per-device batch” ${batch} = ${Number(devices) * Number(batch)}\\) is more than the 2000 “Training examples”`,
        ),
      );
      expect(at['devices']).toEqual(at['perDeviceBatch']);
      expect(at['dataset.train']).toEqual(at['perDeviceBatch']);
      // Run says why once, naming every field the problem is shown at.
      expect(s.blockers).toHaveLength(1);
      expect(s.blockers[0]).toMatch(
        /^Per-device batch, Devices \(K\), Training examples: the global batch/,
      );
      checkInvariants(values, s, `${devices} × ${batch}`);
    }
  });

  it('single-field problems are worded for people, not as schema text', () => {
    const s = formState({ ...start(), devices: '0', 'optimizer.lr': '-1', steps: '1.5' }, '', '');
    const at = s.reading.problems.byField;
    expect(at['devices']).toEqual(['must be at least 1']);
    expect(at['optimizer.lr']).toEqual(['must be more than 0']);
    expect(at['steps']).toEqual(['must be a whole number']);
    expect(s.blockers).toEqual([
      'Devices (K): must be at least 1',
      'Learning rate: must be more than 0',
      'Training steps: must be a whole number',
    ]);
  });

  it('cross-field rules wait until the fields they read are valid (a field’s own problem first)', () => {
    const s = formState(
      { ...start(), devices: '0', 'model.norm': 'ghost', 'model.normOptions.virtualBatch': '8' },
      '',
      '',
    );
    expect(s.reading.problems.byField).toEqual({ devices: ['must be at least 1'] });
  });

  it('over random edits: Run enabled ⇒ runs = shown = linked; a problem shown ⇒ Run disabled', () => {
    const sequences = 150;
    const editsPerSequence = 10;
    let enabled = 0;
    let disabled = 0;
    for (let seq = 0; seq < sequences; seq++) {
      const r = rng(seq + 1);
      let values = start();
      let [compareField, compareText] = pick(r, COMPARES);
      for (let e = 0; e < editsPerSequence; e++) {
        if (r() < 0.1) [compareField, compareText] = pick(r, COMPARES);
        else {
          const key = pick(r, KEYS);
          values = { ...values, [key]: pick(r, CANDIDATES[key]!) };
        }
        const where = `sequence ${seq}, edit ${e}: ${JSON.stringify({ values, compareField, compareText })}`;
        let s: FormState | undefined;
        expect(() => {
          s = formState(values, compareField, compareText);
        }, where).not.toThrow();
        checkInvariants(values, s!, where);
        if (s!.blockers.length === 0) enabled++;
        else disabled++;
      }
    }
    // Both sides of the property were exercised.
    expect(enabled).toBeGreaterThan(50);
    expect(disabled).toBeGreaterThan(50);
    expect(isCompareField('perDeviceBatch')).toBe(true);
    expect(FIELDS.length).toBeGreaterThan(KEYS.length);
  }, 120_000);
});
