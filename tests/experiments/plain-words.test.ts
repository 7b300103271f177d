import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runExperimentCli } from '../../src/cli/experiment.ts';
import type { CliIo } from '../../src/cli/cli-io.ts';
import { EXPERIMENT_NAMES, EXPERIMENTS } from '../../src/experiments/index.ts';
import { renderSvg } from '../../src/experiments/kit/render-svg.ts';
import type { ExperimentName, ExperimentResult } from '../../src/experiments/kit/types.ts';
import {
  changeOf,
  comparePoints,
  count,
  percent,
  signedPoints,
} from '../../src/experiments/kit/words.ts';
import { newExperimentRecord, shownChecks } from '../../src/ui/experiments/experiment-records.ts';
import { fakeExperiment } from '../helpers/fake-experiment.ts';

/** The committed full run (docs/experiments), its finding recomputed with today's code. */
async function committed(name: ExperimentName): Promise<ExperimentResult> {
  const stored = JSON.parse(
    await readFile(new URL(`../../docs/experiments/${name}.json`, import.meta.url), 'utf8'),
  ) as ExperimentResult;
  return { ...stored, finding: EXPERIMENTS[name].finding(stored.rows) };
}

/** Words only a program writes: camelCase keys, "name = number" (the legend's "EMA m=0.1" aside). */
const VARIABLE_NAME = /\b[a-z]+[A-Z]\w*\b|\b\w{2,} ?= ?-?\d/;

describe('numbers in words', () => {
  it('writes error rates as the figure does: percent with one decimal, differences in pp', () => {
    expect(percent(0.0335)).toBe('3.4%');
    expect(signedPoints(-0.1883)).toBe('−18.8 pp');
    expect(comparePoints("PreciseBN's test error", 0.513, "the EMA's", 0.52)).toBe(
      "PreciseBN's test error is 0.7 pp lower than the EMA's (51.3% vs 52.0%)",
    );
    expect(changeOf(0.034, 0.6005)).toBe('rises by 56.7 pp (3.4% → 60.1%)');
    expect(count(23373)).toBe('23,373');
    expect(percent(Number.NaN)).toBe('–');
  });
});

describe('each experiment in plain language', () => {
  for (const name of EXPERIMENT_NAMES) {
    it(`${name}: starts with a question and a one-sentence answer`, () => {
      const e = EXPERIMENTS[name];
      expect(e.question.trim().endsWith('?')).toBe(true);
      expect(e.answer.trim().endsWith('.')).toBe(true);
      // One sentence: no full stop inside it (decimal points and "et al." aside).
      expect(e.answer.trim().slice(0, -1)).not.toMatch(/[a-z]\. [A-Z]/);
    });

    it(`${name}: every check says what it measured in words, without variable names`, async () => {
      const result = await committed(name);
      expect(result.finding.checks.length).toBeGreaterThan(0);
      for (const c of result.finding.checks) {
        expect(c.measured, c.id).toBeTypeOf('string');
        expect(c.measured!.length, c.id).toBeGreaterThan(20);
        expect(c.measured, c.id).not.toMatch(VARIABLE_NAME);
      }
    });
  }

  it('error rates are in the figure units: percent and percentage points', async () => {
    for (const name of ['batch-size', 'test-time', 'non-iid'] as const) {
      for (const c of (await committed(name)).finding.checks)
        expect(c.measured, `${name} ${c.id}`).toMatch(/\d\.\d( pp|%)/);
    }
    const testTime = (await committed('test-time')).finding.checks;
    // Full run: PreciseBN −18.83%, EMA m=0.01 −18.10% of train/test gap at batch 2.
    expect(testTime[0]!.measured).toContain(
      "At per-device batch 2, PreciseBN's train/test gap is −18.8 pp: 1.4 pp lower than EMA m=0.1's (−17.4 pp)",
    );
    expect(testTime[0]!.measured).toContain("0.7 pp lower than EMA m=0.01's (−18.1 pp)");
    const batch = (await committed('batch-size')).finding.checks;
    expect(batch[0]!.measured).toBe(
      "At per-device batch 2, local BN's test error is 54.1 pp higher than SyncBN's (60.1% vs 6.0%).",
    );
  });

  it('error-surface: the figure and the check give the same step counts', async () => {
    const result = await committed('error-surface');
    const svg = await renderSvg(EXPERIMENTS['error-surface'].figure(result));
    const check = result.finding.checks.find((c) => c.id === 'standardized-needs-fewer-steps')!;
    // The figure draws seed 1's paths: 23,373 steps raw. The mean over the 3 seeds is 22,037.
    expect(svg).toContain('raw features: 23,373 steps');
    expect(check.measured).toContain('On data seed 1 (the figure)');
    expect(check.measured).toContain('23,373 steps on raw features');
    expect(check.measured).toContain('averaged over 3 seeds, 22,037');
    expect(svg).toContain('on average over 3 seeds: 22,037 raw');
  });

  it('stat-noise: each of the five series is drawn where no other hides it', async () => {
    const result = await committed('stat-noise');
    const svg = await renderSvg(EXPERIMENTS['stat-noise'].figure(result));
    // One panel per BN mode and layer, for each statistic; the reference in every panel.
    for (const curve of ['sync bn1', 'sync bn2', 'local bn1', 'local bn2'])
      for (const statistic of ['mean', 'variance']) expect(svg).toContain(`${statistic}, ${curve}`);
  });
});

describe('figures follow the colour scheme', () => {
  it('draws a dark background with light text for the dark scheme, white otherwise', async () => {
    for (const name of ['error-surface', 'stat-noise'] as const) {
      const result = await committed(name);
      const spec = EXPERIMENTS[name].figure(result);
      const light = await renderSvg(spec);
      const dark = await renderSvg(spec, 'dark');
      expect(light).toMatch(/<rect[^>]*fill="#ffffff"/);
      expect(dark).toMatch(/<rect[^>]*fill="#1c2128"/);
      expect(dark).not.toContain('fill="#ffffff"');
      // Titles and axis labels: light on dark, never Vega's default black.
      expect(dark).toContain('fill="#e6e9ee"');
      expect(dark).not.toMatch(/<text[^>]*fill="#000"/);
      expect(dark).not.toMatch(/<text[^>]*fill="#000000"/);
    }
  });
});

describe('experiment CLI, in words', () => {
  it('prints the question and answer first, then each check with what it measured', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'syncbn-plain-'));
    const err: string[] = [];
    const io: CliIo = {
      stdout: async () => {},
      stderr: (t) => void err.push(t),
      stderrIsTTY: false,
    };
    try {
      const code = await runExperimentCli(['batch-size', '--quick', '--quiet', '--out', dir], io, {
        experiments: { 'batch-size': fakeExperiment({ units: 1 }) },
      });
      expect(code).toBe(0);
      const text = err.join('');
      expect(text.startsWith('Question: fake?\nAnswer: fake.\n(fake. none)\n')).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('sessions saved before the checks had sentences', () => {
  it('show checks recomputed from their rows, with the same verdicts', async () => {
    const result = await committed('test-time');
    // As saved before: the checks' claims and numbers only, no `measured` sentence.
    const old = result.finding.checks.map(({ measured: _, ...rest }) => rest);
    const record = {
      ...newExperimentRecord('old', 'test-time', false, 0),
      rows: result.rows,
      finding: { checks: old },
      complete: true,
    };
    const shown = shownChecks(record);
    expect(shown.map((c) => c.holds)).toEqual(old.map((c) => c.holds));
    expect(shown[0]!.measured).toContain('PreciseBN');
  });
});
