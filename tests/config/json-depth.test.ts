import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, parseJsonText, tooDeep } from '../../src/config/json-text.ts';
import { InputError } from '../../src/config/problems.ts';

function problem(text: string): string {
  try {
    parseJsonText(text, 'cfg.json');
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('expected a JSON error');
}

describe('JSON nesting depth', () => {
  it('10,000 levels, valid or cut off, give the position instead of a stack overflow', () => {
    const open = '['.repeat(10_000);
    const close = ']'.repeat(10_000);
    const where = /^cfg\.json:1:65: JSON nested more than 64 levels deep here/;
    expect(problem(`${open}${close}`)).toMatch(where);
    expect(problem(open)).toMatch(where);
    expect(problem(`${open}${close.slice(1)}`)).toMatch(where);
    expect(problem('{"a":'.repeat(10_000))).toMatch(
      /^cfg\.json:1:321: JSON nested more than 64 levels/,
    );
    // On a later line, the line and column of the bracket that goes one level too deep.
    expect(problem(`{\n  "seed":\n    ${'['.repeat(100)}`)).toMatch(/^cfg\.json:3:68: /);
  });

  it('up to the limit is fine, and brackets inside strings do not count', () => {
    const deepest = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    expect(() => parseJsonText(deepest, 'f')).not.toThrow();
    expect(parseJsonText(`{"a": "${'['.repeat(1000)}\\"{{{"}`, 'f')).toEqual({
      a: `${'['.repeat(1000)}"{{{`,
    });
    expect(tooDeep('[[[]]]', 3)).toBeNull();
    expect(tooDeep('[[[[]]]]', 3)).toBe(3);
  });
});
