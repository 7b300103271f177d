import { describe, expect, it } from 'vitest';
import { lineColumn, locateJsonError, parseJsonText } from '../../src/config/json-text.ts';
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

describe('parseJsonText', () => {
  it('parses valid JSON, with or without a byte-order mark', () => {
    expect(parseJsonText('{"a": [1, 2.5e3, "x\\n", true, null]}', 'f')).toEqual({
      a: [1, 2500, 'x\n', true, null],
    });
    expect(parseJsonText('\uFEFF{"a": 1}', 'f')).toEqual({ a: 1 });
  });

  it('names line and column of the first error', () => {
    expect(problem('{\n  "a": 1\n  "b": 2\n}')).toBe(
      `cfg.json:3:3: invalid JSON: expected ',' or '}' after the property value, found "\\""`,
    );
    expect(problem('{"a": 1,}')).toBe("cfg.json:1:9: invalid JSON: trailing comma before '}'");
    expect(problem('[1, 2,]')).toBe("cfg.json:1:7: invalid JSON: trailing comma before ']'");
    expect(problem('[1 2]')).toBe(
      `cfg.json:1:4: invalid JSON: expected ',' or ']' after the array element, found "2"`,
    );
    expect(problem('{"a": [1}')).toBe(
      `cfg.json:1:9: invalid JSON: expected ',' or ']' after the array element, found "}"`,
    );
    expect(problem('{a: 1}')).toMatch(
      /^cfg\.json:1:2: invalid JSON: expected a property name in double quotes/,
    );
    expect(problem('{"a": tru}')).toMatch(/^cfg\.json:1:7: invalid JSON: expected a value/);
    expect(problem('')).toBe(
      'cfg.json:1:1: invalid JSON: expected a value, found the end of the input',
    );
    expect(problem('{"a": 1')).toMatch(/^cfg\.json:1:8: .*found the end of the input$/);
    expect(problem('{"a": 1} x')).toMatch(
      /^cfg\.json:1:10: invalid JSON: unexpected "x" after the end/,
    );
    expect(problem("{'a': 1}")).toMatch(/^cfg\.json:1:2: /);
    expect(problem('{"a": 01}')).toMatch(/^cfg\.json:1:8: /);
    expect(problem('{"a": "x\ty"}')).toMatch(/^cfg\.json:1:9: invalid JSON: control character/);
  });

  it('agrees with JSON.parse on what is valid', () => {
    const samples = [
      '1',
      '-0.5e-3',
      '"\\u00e9"',
      '[]',
      '{}',
      ' {"a" : [ {} ] } ',
      '-',
      '1.',
      '.5',
      '"\\x"',
      '[1 2]',
      'nul',
    ];
    for (const s of samples) {
      let valid = true;
      try {
        JSON.parse(s);
      } catch {
        valid = false;
      }
      expect(locateJsonError(s) === null, s).toBe(valid);
    }
  });

  it('lineColumn is 1-based', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});
