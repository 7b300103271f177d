import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/core/error-message.ts';

describe('errorMessage', () => {
  it("is an Error's message and anything else as text", () => {
    expect(errorMessage(new RangeError('out of range'))).toBe('out of range');
    expect(errorMessage('plain text')).toBe('plain text');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(undefined)).toBe('undefined');
  });
});
