import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCost } from '../../src/cli/cost-cli.ts';

const CONFIGS = join(import.meta.dirname, '..', '..', 'configs');

async function cost(...args: string[]): Promise<{ code: number; stdout: string; lines: string[] }> {
  let stdout = '';
  let stderr = '';
  const code = await runCost(args, {
    stdout: async (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stderrIsTTY: false,
  });
  return { code, stdout, lines: stderr.split('\n').filter((l) => l.length > 0) };
}

const RESNET = [
  '--model',
  'resnet50',
  '--gpus',
  '64',
  '--gpus-per-node',
  '8',
  '--fabric',
  'ib-ndr',
  '--gpu',
  'a100',
  '--batch-per-gpu',
  '2',
];

describe('npm run cost', () => {
  it('--json: step times by mode, overhead, collectives and bytes per rank by kind', async () => {
    const { code, stdout } = await cost(...RESNET, '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(Object.keys(out.stepMs)).toEqual([
      'local',
      'sync',
      'group:2',
      'group:4',
      'group:8',
      'group:16',
      'group:32',
    ]);
    expect(out.stepMs.sync).toBeGreaterThan(out.stepMs.local);
    expect(out.overheadPct).toBeCloseTo((out.stepMs.sync / out.stepMs.local - 1) * 100, 9);
    expect(out.collectivesPerStep).toMatchObject({ bnForward: 53, bnBackward: 53 });
    // The reference sheet: ≈ 212.7 KB sent per rank in forward, ≈ 212.5 KB in backward.
    expect(out.bytesPerRank.bnForward.sent).toBe(4 * (2 * 26_560 + 53));
    expect(out.bytesPerRank.bnBackward.sent).toBe(4 * 2 * 26_560);
    expect(out.bytesPerRank.bnForward.received).toBe(64 * out.bytesPerRank.bnForward.sent);
    expect(out.bytesPerRank.gradients.sent).toBe(4 * 25_557_032);
    expect(out.scaling.map((s: { gpus: number }) => s.gpus)).toEqual([
      1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024,
    ]);
  });

  it('prints tables', async () => {
    const { code, stdout } = await cost(...RESNET);
    expect(code).toBe(0);
    expect(stdout).toContain('ResNet-50 at 224×224: 53 BN layers');
    expect(stdout).toMatch(/^sync\s/m);
    expect(stdout).toMatch(/^group:32\s/m);
    expect(stdout).toMatch(/^1024\s/m);
  });

  it("a run config without --gpus: the config's devices and per-device batch", async () => {
    const { code, stdout } = await cost(join(CONFIGS, 'mnist-cnn-bn.json'), '--json');
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.setting).toMatchObject({ gpus: 2, batchPerGpu: 16 });
  });

  it('a run config instead of --model costs the simulated model', async () => {
    const { code, stdout } = await cost(
      join(CONFIGS, 'mnist-cnn-bn.json'),
      '--gpus',
      '4',
      '--json',
    );
    expect(code).toBe(0);
    const out = JSON.parse(stdout);
    expect(out.model.label).toMatch(/^simulated cnn/);
    expect(out.collectivesPerStep).toMatchObject({ bnForward: 2, bnBackward: 2 });
  });

  it.each([
    [
      ['--model', 'resnet5'],
      /^cost: option '--model <id>' argument 'resnet5' is invalid\. Allowed choices are resnet18, resnet50, resnet101, mobilenetv2, resnet50-fpn\.$/,
    ],
    [
      ['--model', 'resnet50', '--fabric', 'ib'],
      /^cost: option '--fabric <id>'.*Allowed choices are ib-hdr, ib-ndr, eth-100, eth-400\.$/,
    ],
    [
      ['--model', 'resnet50', '--gpu', 'b200'],
      /^cost: option '--gpu <id>'.*Allowed choices are v100, a100, h100\.$/,
    ],
    [
      ['--model', 'resnet50', '--gpus', '0'],
      /^cost: option '--gpus <K>' argument '0' is invalid\. Allowed: a whole number ≥ 1\.$/,
    ],
    [
      ['--model', 'resnet50', '--efficiency', '1.5'],
      /^cost: option '--efficiency <f>'.*Allowed: a number in \(0, 1\]\.$/,
    ],
    [
      ['--model', 'resnet50', '--gpus-per-node', 'x'],
      /^cost: option '--gpus-per-node <n>'.*Allowed: a whole number ≥ 1\.$/,
    ],
    [
      ['--model', 'resnet50', '--fast'],
      /^cost: unknown option '--fast'\. Allowed options are --model, --resolution, --gpus, .*--json, --debug\.$/,
    ],
    [
      ['--model', 'resnet50', '--resolution', '224'],
      /^cost: option '--resolution <HxW>'.*Allowed: HEIGHTxWIDTH in pixels, each at least 32, e\.g\. 256x704\.$/,
    ],
    [[], /^cost: give either --model \(resnet18, .*\) or a run config's path \(got neither\)$/],
  ])('bad flags %j: one line naming the flag and what is allowed, exit 2', async (args, line) => {
    const { code, stdout, lines } = await cost(...args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(line);
  });

  it('a config with a problem: its line, exit 2', async () => {
    const { code, lines } = await cost(join(CONFIGS, 'missing.json'));
    expect(code).toBe(2);
    expect(lines).toEqual([
      expect.stringMatching(/^cost: cannot read the config file .*missing\.json$/),
    ]);
  });
});
