import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.ts';

// Every file in configs/ gives exactly the numbers recorded in fixtures/config-numbers.json (by
// fixtures/record-config-numbers.ts, through `npm run sim -- <file> --in-process`). Moving code
// around must not change a bit of them; a change of the math is a new recording, with its reason.
const ROOT = join(import.meta.dirname, '..', '..');
const CONFIGS = join(ROOT, 'configs');
const files = readdirSync(CONFIGS)
  .filter((f) => f.endsWith('.json'))
  .sort();
const recorded: Record<string, { train: unknown; eval: unknown; final: unknown }> = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'config-numbers.json'), 'utf8'),
);
const dir = mkdtempSync(join(tmpdir(), 'config-numbers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run sim gives the recorded numbers for every config', () => {
  it('has a recording for every file in configs/', () => {
    expect(Object.keys(recorded).sort()).toEqual(files);
  });

  it.each(files)('%s', { timeout: 180_000 }, async (name) => {
    const out = join(dir, name);
    let stderr = '';
    const code = await runCli([join(CONFIGS, name), '--in-process', '--quiet', '--out', out], {
      stdout: async () => {},
      stderr: (text) => {
        stderr += text;
      },
      stderrIsTTY: false,
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const metrics = JSON.parse(readFileSync(out, 'utf8'));
    const expected = recorded[name];
    expect(metrics.train).toEqual(expected?.train);
    // The recording holds each eval row's step, loss and accuracy; the population statistics that
    // rows now also carry are checked against an independent computation in
    // tests/coordinator/normalizes-with.test.ts.
    const evalNumbers = (metrics.eval as { population?: unknown }[]).map(
      ({ population: _population, ...row }) => row,
    );
    expect(evalNumbers).toEqual(expected?.eval);
    expect(metrics.final).toEqual(expected?.final);
  });
});
