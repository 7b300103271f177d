import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/errors.ts';
import { jsonProblem, validateRunExport } from '../../src/store/import.ts';

/*
 * Issue #12 for the store's messages: an error worded by a function is worded again each time it
 * is read (the page shows it in the language of the moment), and a file that is not JSON is
 * described in our words (where it breaks), not the JavaScript engine's English.
 */
describe('store errors worded when read', () => {
  it('reads the message again from its wording function', () => {
    let language = 'en';
    const error = new StoreError(() => (language === 'en' ? 'closed' : '已关闭'));
    expect(error.message).toBe('closed');
    language = 'zh-CN';
    expect(error.message).toBe('已关闭');
    expect(String(error)).toBe('StoreError: 已关闭');
  });

  it('keeps a plain string message as it was', () => {
    expect(new StoreError('plain').message).toBe('plain');
  });
});

describe('jsonProblem', () => {
  const problem = (text: string) => {
    try {
      JSON.parse(text);
    } catch (error) {
      return jsonProblem(error, text);
    }
    throw new Error('parsed');
  };

  it('says a file cut short ends too early', () => {
    expect(problem('{"format": "syncbn-lab/run", "run": {"config": {}}')).toBe(
      'the text ends too early',
    );
    expect(problem('{"a": [1, 2')).toBe('the text ends too early');
  });

  it('names the line and column where the engine gives a position', () => {
    expect(problem('[1, 2]\n  x')).toBe('unexpected text at line 2, column 3');
  });

  it('names the character the engine stopped at otherwise', () => {
    expect(problem('{\n  "a": 1,\n  "b": x\n}')).toBe('unexpected “x”');
    expect(problem('hello, world')).toBe('unexpected “h”');
  });

  it('words the import error around it', () => {
    expect(() => validateRunExport('{"format": "syncbn-lab/run"')).toThrow(
      'This file is not a syncbn-lab run export: it is not valid JSON (the text ends too early). The file may be cut short or not be an export at all.',
    );
  });
});
