import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { closestName, describeError, InputError } from '../config/problems.ts';
import { errorMessage } from '../core/error-message.ts';
import { EXPERIMENT_NAMES, EXPERIMENTS } from '../experiments/index.ts';
import type { PlanProgress } from '../experiments/kit/runner.ts';
import type {
  Experiment,
  ExperimentName,
  ExperimentResult,
  Finding,
} from '../experiments/kit/types.ts';
import type { CliIo } from './cli-io.ts';
import { toReadableJson } from './json-out.ts';
import { parseArgs } from './parse-args.ts';
import { formatDuration } from './progress.ts';
import { processIo } from './run-cli.ts';
import { runMain } from './run-main.ts';

/**
 * `npm run experiment -- <name> [--quick] --out <dir>`: run one named experiment headless and
 * write `<dir>/<name>.json` (rows, finding) and `<dir>/<name>.svg` (the figure). The JSON is
 * rewritten after every configuration, so Ctrl-C loses at most the configuration running, and
 * running the same command again resumes: configurations already in the JSON are skipped.
 * Exit codes: 0 done, 2 bad input, 1 failure, 130 stopped (the partial results are kept).
 */

export const EXIT_STOPPED = 130;

interface Options {
  quick?: boolean;
  out: string;
  fresh?: boolean;
  workers?: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export interface ExperimentCliDeps {
  readonly experiments?: Readonly<Record<string, Experiment<object, Finding> | undefined>>;
  /** Replaces SIGINT in tests: polled between and during configurations. */
  readonly stopSignal?: () => boolean;
}

export async function runExperimentCli(
  argv: readonly string[],
  io: CliIo = processIo(),
  deps: ExperimentCliDeps = {},
): Promise<number> {
  const experiments: Readonly<Record<string, Experiment<object, Finding> | undefined>> =
    deps.experiments ?? EXPERIMENTS;
  const names = Object.keys(experiments);
  const program = new Command()
    .name('experiment')
    .description(
      'Run a named syncbn-lab experiment headless: rows and checks as JSON, the figure as SVG.',
    )
    .argument('<name>', `one of: ${names.join(', ')}`)
    .requiredOption(
      '--out <dir>',
      'directory for <name>.json and <name>.svg (resumes from <name>.json)',
    )
    .option('--quick', 'the small version (well under a minute; what the tests run)')
    .option('--fresh', 'ignore an existing <name>.json instead of resuming from it')
    .option('--workers', 'run devices in worker_threads instead of this thread (same numbers)')
    .option('--quiet', 'no progress on stderr')
    .option('--debug', 'show stack traces for failures');
  const early = parseArgs(program, argv, io, 'experiment');
  if (early !== null) return early;
  const options = program.opts<Options>();
  const name = program.args[0]!; // parseArgs stopped with usage if <name> was missing
  try {
    const experiment = experiments[name];
    if (!experiment) {
      const guess = closestName(name, names);
      throw new InputError(
        `unknown experiment "${name}"${guess ? ` (did you mean "${guess}"?)` : ''}; expected one of: ${names.join(', ')}`,
      );
    }
    return await run(experiment, options, io, deps);
  } catch (err) {
    const { exitCode, lines } = describeError(err, { debug: options.debug });
    for (const line of lines) io.stderr(`${line}\n`);
    return exitCode;
  }
}

async function run(
  experiment: Experiment<object, Finding>,
  options: Options,
  io: CliIo,
  deps: ExperimentCliDeps,
): Promise<number> {
  const quick = options.quick === true;
  const dir = resolve(options.out);
  await mkdir(dir, { recursive: true }).catch((err: unknown) => {
    throw new InputError(`--out ${options.out}: ${errorMessage(err)}`);
  });
  const jsonPath = join(dir, `${experiment.name}.json`);
  const svgPath = join(dir, `${experiment.name}.svg`);
  const previous = options.fresh ? undefined : await readPrevious(jsonPath, experiment.name, quick);
  for (const line of introLines(experiment)) io.stderr(`${line}\n`);
  if (previous)
    io.stderr(`resuming from ${jsonPath}: ${previous.rows.length} rows already there\n`);

  let stopRequested = false;
  const progress = new PlanProgressLine(io);
  const onSigint = (): void => {
    if (stopRequested) process.exit(EXIT_STOPPED);
    stopRequested = true;
    progress.message(
      'stopping: finished configurations are kept, the one running is dropped (Ctrl-C again to abort)',
    );
  };
  if (!deps.stopSignal) process.on('SIGINT', onSigint);
  try {
    // The coordinator and data loaders only once the input is known to be good.
    const { nodePlatform } = await import('../platform/node/platform.ts');
    const { platformEnv } = await import('../experiments/kit/env.ts');
    const { runPlan } = await import('../experiments/kit/runner.ts');
    const env = platformEnv(nodePlatform({ host: options.workers ? 'workers' : 'in-process' }));
    const result = await runPlan(experiment, {
      quick,
      env,
      previous,
      shouldStop: () => stopRequested || (deps.stopSignal?.() ?? false),
      onProgress: options.quiet ? undefined : (p) => progress.update(p),
      onUnitDone: (partial) => writeAtomic(jsonPath, `${toReadableJson(partial)}\n`),
    });
    progress.finish();
    await writeAtomic(jsonPath, `${toReadableJson(result)}\n`);
    if (result.rows.length > 0) {
      const { renderSvg } = await import('../experiments/kit/render-svg.ts');
      await writeAtomic(svgPath, await renderSvg(experiment.figure(result)));
    }
    if (!result.complete) io.stderr('checks on the configurations done so far:\n');
    for (const line of findingLines(result)) io.stderr(`${line}\n`);
    if (!result.complete) {
      io.stderr(`stopped: partial results in ${jsonPath}; run the same command again to resume\n`);
      return EXIT_STOPPED;
    }
    io.stderr(`wrote ${jsonPath} and ${svgPath} (${formatDuration(result.elapsedMs / 1000)})\n`);
    return 0;
  } finally {
    progress.finish();
    process.off('SIGINT', onSigint);
  }
}

/** The stored rows of an earlier session, when they belong to this experiment and mode. */
async function readPrevious(
  path: string,
  name: ExperimentName,
  quick: boolean,
): Promise<Pick<ExperimentResult, 'rows' | 'elapsedMs'> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let stored: Partial<ExperimentResult>;
  try {
    stored = JSON.parse(text) as Partial<ExperimentResult>;
  } catch (err) {
    throw new InputError(
      `${path}: not valid JSON (${errorMessage(err)}); use --fresh to start over`,
    );
  }
  if (stored.name !== name || !Array.isArray(stored.rows)) {
    throw new InputError(
      `${path}: not the results of experiment "${name}"; use --fresh to overwrite it`,
    );
  }
  if (stored.quick !== quick) {
    throw new InputError(
      `${path}: holds a ${stored.quick ? '--quick' : 'full'} run, this is a ${quick ? '--quick' : 'full'} one; use another --out or --fresh`,
    );
  }
  return {
    rows: stored.rows,
    elapsedMs: typeof stored.elapsedMs === 'number' ? stored.elapsedMs : 0,
  };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** What the experiment asks, its answer in one sentence, then where it comes from. */
export function introLines(experiment: Experiment<object, Finding>): string[] {
  return [
    `Question: ${experiment.question}`,
    `Answer: ${experiment.answer}`,
    `(${experiment.title}. ${experiment.reference})`,
  ];
}

/**
 * Each check on one line: whether it holds, the claim, and what was measured in words and in
 * the figure's units (the bare numbers only for a check that has no sentence).
 */
export function findingLines(result: ExperimentResult): string[] {
  return result.finding.checks.map((c) => {
    const measured =
      c.measured ??
      `(${Object.entries(c.values)
        .map(([k, v]) => `${k}=${Number.isFinite(v) ? Number(v.toPrecision(4)) : v}`)
        .join(' ')})`;
    return `${c.holds ? 'holds  ' : 'FAILS  '} ${c.claim}. ${measured}`;
  });
}

/** The progress bar on a terminal (redrawn at most every 100 ms); one line per 10% elsewhere. */
class PlanProgressLine {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private lastDecile = -1;
  private drawn = false;

  constructor(private readonly io: CliIo) {}

  update(p: PlanProgress): void {
    if (this.io.stderrIsTTY) {
      const t = performance.now();
      if (p.done < p.total && t - this.lastDraw < 100) return;
      this.lastDraw = t;
      let line = progressLine(p);
      const cols = this.io.columns;
      if (cols && line.length >= cols) line = line.slice(0, cols - 1);
      this.io.stderr(`\r${line}\x1b[K`);
      this.drawn = true;
      return;
    }
    const decile = Math.floor(10 * p.fraction);
    if (decile <= this.lastDecile) return;
    this.lastDecile = decile;
    this.io.stderr(`${progressLine(p)}\n`);
  }

  message(text: string): void {
    if (this.drawn) this.io.stderr('\r\x1b[K');
    this.io.stderr(`${text}\n`);
    this.lastDraw = Number.NEGATIVE_INFINITY;
  }

  finish(): void {
    if (this.drawn) this.io.stderr('\n');
    this.drawn = false;
  }
}

export function progressLine(p: PlanProgress, barWidth = 20): string {
  const filled = Math.max(0, Math.min(barWidth, Math.round(p.fraction * barWidth)));
  const parts = [
    `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}] ${String(Math.floor(100 * p.fraction)).padStart(3)}%`,
    `${p.done}/${p.total} configurations`,
  ];
  if (p.current) parts.push(p.current);
  parts.push(`elapsed ${formatDuration(p.elapsedMs / 1000)}`);
  if (p.done < p.total) parts.push(`ETA ${formatDuration(p.etaMs / 1000)}`);
  return parts.join('  ');
}

export { EXPERIMENT_NAMES };

const isMain =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) runMain('experiment', runExperimentCli);
