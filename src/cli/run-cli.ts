import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Command } from 'commander';
import { configFromText } from '../config/config-text.ts';
import { checkModelBuilds } from '../config/preflight.ts';
import { describeError, InputError } from '../config/problems.ts';
import type { RunConfig } from '../config/schema.ts';
import type { Platform } from '../coordinator/run.ts';
import type { EvalRow, RunHooks, RunResult } from '../coordinator/run-types.ts';
import type { Telemetry } from '../coordinator/telemetry.ts';
import { errorMessage } from '../core/error-message.ts';
import type { CliIo } from './cli-io.ts';
import { MetricsWriter } from './metrics-writer.ts';
import { parseArgs } from './parse-args.ts';
import { ProgressReporter } from './progress.ts';

/**
 * The headless runner behind `npm run sim -- <config.json> [--out metrics.json]`.
 * Exit codes: 0 done (also when stopped early by Ctrl-C: the partial metrics are written);
 * 2 bad input (file, JSON, config, a model the config cannot build): nothing was run;
 * 1 the run failed (the metrics so far are written, with status "failed" and the error).
 * Problems go to stderr one per line; stack traces only with --debug.
 */

export type { CliIo } from './cli-io.ts';

interface CliOptions {
  out?: string;
  debug?: boolean;
  quiet?: boolean;
  inProcess?: boolean;
}

/** What tests replace: where the run's devices live (Node's worker_threads by default). */
export interface CliOverrides {
  readonly platform?: Platform;
}

/** Run the CLI with `argv` (the arguments after the script); resolves to the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo(),
  overrides: CliOverrides = {},
): Promise<number> {
  const program = new Command()
    .name('sim')
    .description('Run one syncbn-lab experiment headless and write its metrics as JSON.')
    .argument('<config>', 'run config (JSON), e.g. configs/mnist-mlp-bn.json')
    .option('--out <file>', 'write the metrics JSON to this file instead of stdout')
    .option('--in-process', 'run every device in this thread instead of worker_threads')
    .option('--quiet', 'no progress on stderr')
    .option('--debug', 'show stack traces for failures');
  const early = parseArgs(program, argv, io, 'sim');
  if (early !== null) return early;
  const options = program.opts<CliOptions>();
  const configPath = program.args[0]!; // parseArgs stopped with usage if <config> was missing

  try {
    const config = configFromText(await readText(configPath), configPath);
    if (options.out !== undefined) await checkOutPath(options.out);
    checkModelBuilds(config);
    await run(config, options, io, overrides);
    return 0;
  } catch (err) {
    const { exitCode, lines } = describeError(err, { debug: options.debug });
    for (const line of lines) io.stderr(`${line}\n`);
    return exitCode;
  }
}

export function processIo(): CliIo {
  return {
    stdout: (text) =>
      new Promise((done, fail) => {
        process.stdout.write(text, (err) => (err ? fail(err) : done()));
      }),
    stderr: (text) => void process.stderr.write(text),
    stderrIsTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  };
}

/** Train, streaming the metrics to --out (or stdout); a failed run still ends the document. */
async function run(
  config: RunConfig,
  options: CliOptions,
  io: CliIo,
  overrides: CliOverrides,
): Promise<RunResult> {
  const progress = new ProgressReporter({
    write: io.stderr,
    isTTY: io.stderrIsTTY,
    columns: io.columns,
  });
  const fd = options.out !== undefined ? openSync(options.out, 'w') : null;
  const metrics = new MetricsWriter(
    fd !== null
      ? { sync: true, write: (text) => void writeSync(fd, text) }
      : { sync: false, write: (text) => io.stdout(text) },
  );
  const evalRows: EvalRow[] = [];
  const warnings: string[] = [];
  let telemetry: Telemetry | undefined;
  let stopRequested = false;
  const onSigint = (): void => {
    if (stopRequested) {
      // A second Ctrl-C ends the process now; the file still gets what the run has so far.
      metrics.endNow({
        eval: evalRows,
        final: null,
        telemetry,
        warnings,
        status: 'stopped',
        error: 'aborted by a second Ctrl-C during a step',
      });
      process.exit(130);
    }
    stopRequested = true;
    progress.message('stopping after the current step (Ctrl-C again to abort)');
  };
  process.on('SIGINT', onSigint);
  const hooks: RunHooks = {
    onStart: (info) => {
      telemetry = info.telemetry;
    },
    onProgress: (p) => {
      metrics.row(p);
      if (!options.quiet) progress.update(p);
    },
    onEval: (row) => void evalRows.push(row),
    onWarning: (message) => {
      warnings.push(message);
      progress.message(`warning: ${message}`);
    },
    shouldStop: () => stopRequested,
  };
  try {
    metrics.begin(config);
    let result: RunResult;
    try {
      result = await runOn(config, hooks, options, overrides);
    } catch (err) {
      const error = errorMessage(err);
      await metrics.end({
        eval: evalRows,
        final: null,
        telemetry,
        warnings,
        status: 'failed',
        error,
      });
      throw err;
    }
    const { final, status } = result;
    await metrics.end({ eval: result.eval, final, telemetry: result.telemetry, warnings, status });
    return result;
  } finally {
    progress.finish();
    process.off('SIGINT', onSigint);
    if (fd !== null) closeSync(fd);
  }
}

async function runOn(
  config: RunConfig,
  hooks: RunHooks,
  options: CliOptions,
  overrides: CliOverrides,
): Promise<RunResult> {
  if (overrides.platform) {
    const { runExperiment } = await import('../coordinator/run.ts');
    return runExperiment(config, hooks, overrides.platform);
  }
  // Loaded only once the input is known to be good: bad input is reported without loading
  // the coordinator, and a broken install shows up as a run failure (exit 1), not a crash.
  const { runExperimentNode } = await import('../platform/node/platform.ts');
  return runExperimentNode(config, hooks, {
    host: options.inProcess ? 'in-process' : 'workers',
  });
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`${path}: ${fileProblem(err)}`);
  }
}

/** Fail before the run, not after it, when the metrics could not be written. */
async function checkOutPath(out: string): Promise<void> {
  const dir = dirname(resolve(out));
  try {
    if (!(await stat(dir)).isDirectory())
      throw new InputError(`--out ${out}: ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`--out ${out}: directory ${dir}: ${fileProblem(err)}`);
  }
  const existing = await stat(out).catch(() => null);
  if (existing?.isDirectory())
    throw new InputError(`--out ${out}: is a directory, expected a file path`);
}

function fileProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, expected a JSON file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return errorMessage(err);
  }
}
