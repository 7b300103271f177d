import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/schema.ts';
import { compactConfig, decodeStudyHash, encodeStudyHash } from '../../src/ui/model/study-hash.ts';
import { DEFAULT_STUDY, PRESETS } from '../../src/ui/model/presets.ts';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe('study in the URL hash', () => {
  it('round-trips the default study and every preset to the same resolved configs', () => {
    for (const study of [DEFAULT_STUDY, ...PRESETS.map((p) => p.study)]) {
      const hash = encodeStudyHash(study);
      expect(hash).toMatch(/^x=[A-Za-z0-9_-]+$/);
      const back = decodeStudyHash(`#${hash}`);
      expect(back.kind).toBe('ok');
      if (back.kind !== 'ok') continue;
      expect(parseConfig(back.study.config)).toEqual(parseConfig(study.config));
      expect(back.study.compare).toEqual(study.compare);
    }
  });

  it('keeps only fields that differ from the schema defaults', () => {
    expect(compactConfig({ dataset: { name: 'mnist' }, model: { preset: 'mlp' } })).toEqual({});
    expect(
      compactConfig({
        dataset: { name: 'spiral', train: 2000 },
        model: { preset: 'mlp' },
        devices: 4,
        optimizer: { name: 'sgd', lr: 0.05 },
      }),
    ).toEqual({
      dataset: { name: 'spiral' },
      devices: 4,
      optimizer: { lr: 0.05 },
    });
    expect(encodeStudyHash(DEFAULT_STUDY).length).toBeLessThan(260);
  });

  it('non-ASCII survives (UTF-8 inside base64url)', () => {
    const hash = `x=${b64(JSON.stringify({ config: { seed: 3 }, compare: { field: 'seed', values: ['1', '2'] } }))}`;
    const r = decodeStudyHash(hash);
    expect(r.kind).toBe('ok');
  });

  it('an empty hash means "no study in the link"', () => {
    expect(decodeStudyHash('')).toEqual({ kind: 'empty' });
    expect(decodeStudyHash('#')).toEqual({ kind: 'empty' });
  });

  it.each([
    ['#hello', /does not start with "x="/],
    ['#x=@@@', /cut off or changed/],
    [`#x=${b64('{"config": ')}`, /cut off or changed/],
    [`#x=${b64('[1,2]')}`, /holds no config/],
    // In the form's words: the field's label.
    [`#x=${b64(JSON.stringify({ config: { devices: 0 } }))}`, /Devices \(K\): must be at least 1/],
    [
      `#x=${b64(JSON.stringify({ config: { dataset: { nmae: 'x' } } }))}`,
      /unknown key "nmae" \(did you mean "name"\?\)/,
    ],
    [
      `#x=${b64(JSON.stringify({ config: {}, compare: { field: 'evil', values: [] } }))}`,
      /comparison/,
    ],
  ])('a bad hash %s gives a readable message and falls back to the default', (hash, why) => {
    const r = decodeStudyHash(hash);
    expect(r.kind).toBe('error');
    if (r.kind === 'error') {
      expect(r.message).toMatch(why);
      expect(r.message).toMatch(/default study is shown instead/);
    }
  });
});
