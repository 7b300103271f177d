import { describe, expect, it } from 'vitest';
import { withoutRepeatedValue } from '../../src/ui/model/form-problems.ts';

// Shared by the schema's problems and the model builder's lines in the form.
describe('withoutRepeatedValue', () => {
  it('drops the "(got …)" explainProblem added when the message already names the value', () => {
    expect(withoutRepeatedValue('expected "a" or "b" (got "c") (got "c")')).toBe(
      'expected "a" or "b" (got "c")',
    );
    expect(withoutRepeatedValue('must be at least 1 (got 0)')).toBe('must be at least 1 (got 0)');
    expect(withoutRepeatedValue('expected a number')).toBe('expected a number');
  });
});
