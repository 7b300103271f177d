import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runMain } from '../../src/cli/run-main.ts';
import { EXIT_BAD_INPUT, InputError } from '../../src/config/problems.ts';

// runMain is the entry point of both `sim` and `experiment`: the command's code becomes the
// process's exit code, a failure is its lines on stderr, and a process still busy 5 s after the
// run says so and exits.
describe('runMain', () => {
  const argv = process.argv;
  let stderr: string[];
  beforeEach(() => {
    vi.useFakeTimers();
    stderr = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr.push(String(chunk));
      return true;
    });
  });
  afterEach(() => {
    vi.clearAllTimers();
    vi.useRealTimers();
    vi.restoreAllMocks();
    process.argv = argv;
    process.exitCode = undefined;
  });

  it('passes the arguments after the script and sets the exit code; a busy process is ended', async () => {
    process.argv = ['node', 'sim.ts', 'a.json', '--quiet'];
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const seen: string[][] = [];
    runMain('sim', async (args) => {
      seen.push(args);
      return 3;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([['a.json', '--quiet']]);
    expect(process.exitCode).toBe(3);
    expect(exit).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(5000);
    expect(stderr.join('')).toBe(
      'sim: the process was still busy 5 s after the run ended; exiting\n',
    );
    expect(exit).toHaveBeenCalledWith(3);
  });

  it('writes a failure as its lines, with the exit code of its kind', async () => {
    process.argv = ['node', 'experiment.ts', 'x'];
    runMain('experiment', () =>
      Promise.reject(new InputError('config.json: seed: expected a number')),
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(stderr.join('')).toBe('config.json: seed: expected a number\n');
    expect(process.exitCode).toBe(EXIT_BAD_INPUT);
  });
});
