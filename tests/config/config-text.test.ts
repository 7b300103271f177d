import { describe, expect, it } from 'vitest';
import { configFromText } from '../../src/config/config-text.ts';
import { describeError, EXIT_BAD_INPUT, EXIT_RUNTIME } from '../../src/config/problems.ts';
import { ConfigError } from '../../src/config/schema.ts';

function problems(config: unknown): string[] {
  try {
    configFromText(JSON.stringify(config), 'cfg.json');
  } catch (err) {
    const described = describeError(err);
    expect(described.exitCode).toBe(EXIT_BAD_INPUT);
    return described.lines;
  }
  throw new Error('expected a config error');
}

const base = { dataset: { name: 'spiral' }, model: { preset: 'mlp' } };

describe('configFromText', () => {
  it('resolves a good config', () => {
    const c = configFromText(JSON.stringify(base), 'cfg.json');
    expect(c.model.hidden).toEqual([64, 64]);
    expect(c.perDeviceBatch).toBe(32);
  });

  it('one line per problem, naming the source, the field, what is allowed and what was given', () => {
    const lines = problems({
      dataset: { name: 'mnistt' },
      model: { preset: 'mlp', norm: 'bn', hiden: [3] },
      steps: 1.5,
    });
    expect(lines).toEqual([
      'cfg.json: dataset.name: Invalid option: expected one of "mnist"|"spiral"|"moons"|"circles"|"blobs"|"xor" (got "mnistt")',
      'cfg.json: model.norm: Invalid option: expected one of "batch"|"ghost"|"renorm"|"group"|"layer"|"instance"|"weight"|"spectral"|"none" (got "bn")',
      'cfg.json: model: unknown key "hiden" (did you mean "hidden"?) in model; allowed: preset, hidden, activation, norm, channels, normOptions',
      'cfg.json: steps: Invalid input: expected an integer (got 1.5)',
    ]);
  });

  it('says "missing" for required fields and lists allowed top-level keys', () => {
    expect(problems({ model: { preset: 'mlp' }, sed: 3 })).toEqual([
      'cfg.json: dataset: missing (required, expected an object)',
      expect.stringMatching(
        /^cfg\.json: \(config\): unknown key "sed" \(did you mean "seed"\?\) in the top level; allowed: seed, dataset, model, /,
      ),
    ]);
  });

  it('explains union fields the schema reports only as "Invalid input"', () => {
    expect(problems({ ...base, sharding: 'random' })).toEqual([
      'cfg.json: sharding: expected "iid", "label-sorted" or {"dirichlet": <concentration > 0>} (got "random")',
    ]);
  });

  it('reports cross-field problems', () => {
    expect(problems({ ...base, devices: 2, bnSync: 'group:4' })).toEqual([
      'cfg.json: bnSync: group size 4 is larger than the 2 devices (got "group:4")',
    ]);
  });
});

describe('describeError', () => {
  it('input errors exit 2 with their lines; recognizes ConfigError by name after a structured clone', () => {
    const cloned = new Error('model.normOptions.groups: 3 groups do not divide 64');
    cloned.name = 'ConfigError';
    expect(describeError(cloned)).toEqual({ exitCode: EXIT_BAD_INPUT, lines: [cloned.message] });
    expect(describeError(new ConfigError('a: x\nb: y')).lines).toEqual(['a: x', 'b: y']);
  });

  it('runtime errors exit 1 with one line and no stack unless debugging', () => {
    const err = new Error('step 3: the loss is NaN');
    expect(describeError(err)).toEqual({
      exitCode: EXIT_RUNTIME,
      lines: ['run failed: step 3: the loss is NaN'],
    });
    expect(describeError(err, { debug: true }).lines.some((l) => /^\s+at /.test(l))).toBe(true);
    expect(describeError('plain string')).toEqual({
      exitCode: EXIT_RUNTIME,
      lines: ['run failed: plain string'],
    });
  });
});
