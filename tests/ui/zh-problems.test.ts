import { configureLocalization } from '@lit/localize';
import { afterAll, describe, expect, it } from 'vitest';
import { explainProblem } from '../../src/config/config-text.ts';
import { parseConfig, configSchema, issueLine } from '../../src/config/schema.ts';
import { type RunWarning, warningMessage } from '../../src/coordinator/run-warning.ts';
import { ConfigError } from '../../src/core/config-error.ts';
import { buildModel } from '../../src/core/model/build.ts';
import { makeOptimizer } from '../../src/core/optim/make-optimizer.ts';
import { Rng } from '../../src/core/rng.ts';
import { checkModelBuilds } from '../../src/config/preflight.ts';
import { sourceLocale, targetLocales } from '../../src/ui/i18n/generated/locale-codes.ts';
import { validateInput } from '../../src/ui/model/config-form.ts';
import { modelProblemText } from '../../src/ui/model/model-problem-text.ts';
import { warningText } from '../../src/ui/model/warning-text.ts';
import { englishRuns, KEPT_IN_CHINESE } from '../../tools/untranslated.ts';

/*
 * Issue #12: no English left on a Chinese page, also in the rare problems. The schema's problems
 * (explainProblem: unknown keys, missing fields, Zod's own messages, union fields, long values),
 * the model and optimizer builders' problems (core, as data) and a run's warnings (coordinator,
 * as data) are each rendered under zh-CN and must hold no English sentence; under en they are
 * the CLI's words, byte for byte.
 */

// @lit/localize announces a locale change on `window`; Node has none.
Object.assign(globalThis, { window: globalThis.window ?? new EventTarget() });

const { setLocale } = configureLocalization({
  sourceLocale,
  targetLocales,
  loadLocale: () => import('../../src/ui/i18n/generated/zh-CN.ts'),
});

afterAll(async () => {
  await setLocale('en');
});

async function inLocale<T>(locale: 'en' | 'zh-CN', f: () => T): Promise<T> {
  await setLocale(locale);
  try {
    return f();
  } finally {
    await setLocale('en');
  }
}

/** Config keys and values stay as written in Chinese text, like the names of KEPT_IN_CHINESE. */
const KEPT = new Set(
  [
    ...KEPT_IN_CHINESE,
    ...['seed', 'dataset', 'model', 'devices', 'workers', 'perDeviceBatch', 'globalBatch'],
    ...['gradientAveraging', 'bnSync', 'runningStats', 'sharding', 'optimizer', 'schedule'],
    ...['steps', 'evalEvery', 'evalMode', 'preciseSamples', 'evalBatch', 'checksumEvery'],
    ...['transport', 'collectiveTimeoutMs', 'telemetryEvery', 'preset', 'hidden', 'activation'],
    ...['norm', 'channels', 'normOptions', 'hiden', 'sed', 'devics', 'nmae', 'name'],
    ...['nesterov', 'false', 'hello', 'yes', 'abc', 'null'],
  ].map((w) => w.toLowerCase()),
);

const base = { dataset: { name: 'spiral' }, model: { preset: 'mlp' } };

/** Inputs that reach every branch of explainProblem (and the form's fallback to it). */
const BAD_INPUTS: Record<string, unknown> = {
  'unknown key, top level': { ...base, devics: 3 },
  'unknown keys, top level': { ...base, devics: 3, sed: 2 },
  'unknown key, nested': { ...base, model: { preset: 'mlp', hiden: [3] } },
  'unknown keys, nested': { ...base, model: { preset: 'mlp', hiden: [3], zzz: 1 } },
  'missing object': { dataset: { name: 'spiral' } },
  'wrong type': { ...base, dataset: { name: 'spiral', standardize: 'yes' } },
  'array expected': { ...base, model: { preset: 'mlp', hidden: 'abc' } },
  'object expected, got an array': { ...base, model: [] },
  'not an object at all': 'hello',
  'bnSync pattern': { ...base, bnSync: 'group:0' },
  'bnSync union': { ...base, bnSync: 3 },
  'sharding union': { ...base, sharding: 'x' },
  'integer expected': { ...base, seed: 1.5 },
  option: { ...base, schedule: { name: 'foo' } },
  'too small number': { ...base, devices: 0 },
  'too big number': { ...base, devices: 100 },
  'too small, exclusive': { ...base, sharding: { dirichlet: 0 } },
  'too big, exclusive': { ...base, optimizer: { name: 'sgd', momentum: 1 } },
  'too few items': { ...base, model: { preset: 'mlp', channels: [1] } },
  'too many items': { ...base, model: { preset: 'mlp', hidden: Array(17).fill(1) } },
  'a long value': { ...base, bnSync: 'x'.repeat(300) },
  'a long non-string value': { ...base, seed: Array(60).fill(12) },
};

function lines(input: unknown): string[] {
  const r = configSchema.safeParse(input);
  if (r.success) throw new Error('expected a problem');
  return r.error.issues.map((i) => explainProblem(issueLine(i), input));
}

/** The Chinese text's English: runs of words that are neither kept names nor config keys. */
const english = (text: string): string[] => englishRuns(text, KEPT);

describe('the schema problems explainProblem words, in Chinese', () => {
  it.each(Object.entries(BAD_INPUTS))('%s', async (_, input) => {
    const en = await inLocale('en', () => lines(input));
    const zh = await inLocale('zh-CN', () => lines(input));
    expect(zh).toHaveLength(en.length);
    zh.forEach((line, i) => {
      const [path, text = ''] = line.split(/: (.*)/s);
      expect(english(text), line).toEqual([]);
      // The field's path stays, the sentence is translated.
      expect(path).toBe(en[i]!.split(': ')[0]);
      expect(text).not.toBe(en[i]!.split(/: (.*)/s)[1]);
    });
  });

  it('in English they are the CLI’s lines, word for word', async () => {
    const en = await inLocale('en', () => lines(BAD_INPUTS['unknown key, nested']));
    expect(en).toEqual([
      'model: unknown key "hiden" (did you mean "hidden"?) in model; allowed: preset, hidden, activation, norm, channels, normOptions',
    ]);
    const cli = (() => {
      try {
        parseConfig(BAD_INPUTS['a long value']);
      } catch (err) {
        return (err as Error).message;
      }
      return '';
    })();
    expect(explainProblem(cli, BAD_INPUTS['a long value'])).toMatch(
      /^bnSync: expected "local", "sync" or "group:<g>" with g ≥ 1 \(got "x{99}… \(300 characters\)\)$/,
    );
  });

  it('the form shows them at their field, or for the whole config (never an empty line)', async () => {
    const form = await inLocale('zh-CN', () => validateInput({ ...base, devics: 3 } as never));
    expect(form.problems.general).toHaveLength(1);
    expect(form.problems.general[0]).toMatch(
      /^配置的顶层有未知的键 "devics"（是不是想写 "devices"？）/,
    );
    const typed = await inLocale('zh-CN', () =>
      validateInput({ ...base, dataset: { name: 'spiral', standardize: 'yes' } } as never),
    );
    expect(typed.problems.byField['dataset.standardize']).toEqual([
      '输入无效：应为布尔值，实际为字符串（当前值为 "yes"）',
    ]);
  });
});

/** The builders' problems, thrown for real by core. */
function builderProblems(): ConfigError[] {
  const errors: ConfigError[] = [];
  const attempt = (f: () => void) => {
    try {
      f();
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      errors.push(err);
    }
  };
  const config = (over: Record<string, unknown>) => parseConfig({ ...base, ...over });
  attempt(() =>
    checkModelBuilds(
      config({ model: { preset: 'mlp', hidden: [6], norm: 'group', normOptions: { groups: 4 } } }),
    ),
  );
  attempt(() =>
    checkModelBuilds(
      parseConfig({
        dataset: { name: 'mnist', train: 100, test: 100 },
        perDeviceBatch: 2,
        model: { preset: 'cnn', channels: [6, 6], norm: 'group', normOptions: { groups: 4 } },
      }),
    ),
  );
  attempt(() => checkModelBuilds(config({ model: { preset: 'mlp', norm: 'instance' } })));
  attempt(() => checkModelBuilds(config({ model: { preset: 'cnn' } })));
  attempt(() =>
    buildModel(
      configSchema.parse({ ...base, model: { preset: 'cnn' } }).model,
      { sampleShape: [1, 2, 2], classes: 10 },
      Rng.stream(1, 'test'),
    ),
  );
  attempt(() =>
    makeOptimizer(
      configSchema.parse({ ...base, optimizer: { name: 'sgd', nesterov: true } }).optimizer,
      [],
    ),
  );
  return errors;
}

describe('the model and optimizer builders’ problems (core, as data)', () => {
  const errors = builderProblems();

  it('covers every kind of problem', () => {
    expect(new Set(errors.map((e) => e.problem?.code))).toEqual(
      new Set([
        'groups-not-dividing',
        'instance-needs-spatial',
        'cnn-needs-images',
        'cnn-images-too-small',
        'nesterov-needs-momentum',
      ]),
    );
    expect(
      errors.map((e) => e.problem?.code).filter((c) => c === 'groups-not-dividing'),
    ).toHaveLength(2);
  });

  it.each(errors.map((e) => [e.problem?.code, e] as const))('%s', async (_, err) => {
    const problem = err.problem!;
    // The app's English is the CLI's message after its "path: ".
    expect(`${problem.path}: ${await inLocale('en', () => modelProblemText(problem))}`).toBe(
      err.message,
    );
    const zh = await inLocale('zh-CN', () => modelProblemText(problem));
    expect(english(zh), zh).toEqual([]);
  });

  it('the form shows them in Chinese at their field', async () => {
    const form = await inLocale('zh-CN', () =>
      validateInput({
        ...base,
        model: { preset: 'mlp', hidden: [6], norm: 'group', normOptions: { groups: 4 } },
      }),
    );
    const shown = form.problems.byField['model.normOptions.groups'] ?? [];
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatch(/^fc1 的 6 个特征不能被 4 个组整除/);
    expect(english(shown[0]!)).toEqual([]);
  });
});

describe('a run’s warnings (coordinator, as data)', () => {
  const warnings: RunWarning[] = [
    { code: 'stopped', step: 40, steps: 200 },
    { code: 'empty-step', step: 3 },
  ];

  it.each(warnings.map((w) => [w.code, w] as const))('%s', async (_, w) => {
    expect(await inLocale('en', () => warningText(w))).toBe(warningMessage(w));
    const zh = await inLocale('zh-CN', () => warningText(w));
    expect(zh).not.toBe(warningMessage(w));
    expect(english(zh), zh).toEqual([]);
    expect(zh).toContain(String(w.step));
  });
});
