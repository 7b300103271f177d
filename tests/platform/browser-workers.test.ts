import { describe, expect, it } from 'vitest';
import { browserWorkerCount } from '../../src/platform/browser/browser-workers.ts';

describe('browserWorkerCount', () => {
  it('leaves the page a core, never more workers than devices, never none', () => {
    expect(browserWorkerCount(2, 8)).toBe(1);
    expect(browserWorkerCount(8, 8)).toBe(7);
    expect(browserWorkerCount(16, 4)).toBe(4);
    expect(browserWorkerCount(1, 8)).toBe(1);
  });

  it('keeps what the config asks for, and guesses 2 cores when the browser does not say', () => {
    expect(browserWorkerCount(2, 8, 2)).toBe(2);
    expect(browserWorkerCount(Number.NaN, 8)).toBe(1);
    expect(browserWorkerCount(0, 8)).toBe(1);
  });
});
