import {
  chmod,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { Command } from 'commander';
import { configFromValue } from '../config/config-text.ts';
import { parseJsonText } from '../config/json-text.ts';
import { checkModelBuilds } from '../config/preflight.ts';
import { describeError, InputError } from '../config/problems.ts';
import type { RunConfig } from '../config/schema.ts';
import { makeDataset } from '../data/make-dataset.ts';
import { buildTorchBundle } from '../export/torch-bundle.ts';
import { EXACT_DEFAULT_MAX_STEPS, exactByDefault } from '../export/torch-support.ts';
import { loadMnistNode } from '../platform/node/mnist.ts';
import { type CliIo, processIo } from './run-cli.ts';
import { parseArgs } from './parse-args.ts';

/**
 * `npm run export:torch -- <config.json | exported-run.json> --out <dir>`: writes a PyTorch DDP
 * bundle (train.py, init.npz, data.npz, plan.npz, README.md; src/export) that reproduces the run.
 * Exit codes: 0 written; 2 bad input or a config the exporter cannot express (nothing written).
 * The bundle is written into a temporary directory beside --out and renamed into place, so a
 * failure never leaves half a bundle.
 */

interface ExportOptions {
  out: string;
  exact?: boolean;
  debug?: boolean;
}

export async function runExportTorch(
  argv: readonly string[],
  io: CliIo = processIo(),
): Promise<number> {
  const program = new Command()
    .name('export:torch')
    .description('Export a run as a PyTorch DDP + SyncBatchNorm bundle (train.py for torchrun).')
    .argument('<run>', 'run config (JSON) or a run exported from the app (syncbn-lab/run)')
    .requiredOption(
      '--out <dir>',
      'directory to create for the bundle (must not exist or be empty)',
    )
    .option(
      '--exact',
      `store every step's global batch indices (default for runs up to ${EXACT_DEFAULT_MAX_STEPS} steps, and for a non-i.i.d. sharding)`,
    )
    .option('--no-exact', 'no per-step indices: train.py deals shards from its own seeded sampler')
    .option('--debug', 'show stack traces for failures');
  const early = parseArgs(program, argv, io, 'export:torch');
  if (early !== null) return early;
  const options = program.opts<ExportOptions>();
  const inputPath = program.args[0]!;
  try {
    const config = await readRunConfig(inputPath);
    checkModelBuilds(config);
    await checkOutDir(options.out);
    const exact = options.exact ?? exactByDefault(config);
    const data = makeDataset(
      config.dataset,
      config.seed,
      config.dataset.name === 'mnist' ? await loadMnistNode() : undefined,
    );
    const files = buildTorchBundle(config, data, {
      exact,
      // Level 6, zlib's default: what numpy.savez_compressed does.
      deflate: (bytes) => deflateRawSync(bytes),
    });
    await writeBundle(options.out, files);
    io.stderr(
      `export:torch: wrote ${files.map((f) => f.name).join(', ')} to ${options.out}` +
        ` (${exact ? 'exact data order' : 'own sampler, no per-step indices'})\n` +
        `  run: torchrun --nproc_per_node=${config.devices} ${join(options.out, 'train.py')} --out metrics.json\n`,
    );
    return 0;
  } catch (err) {
    const { exitCode, lines } = describeError(err, { debug: options.debug });
    for (const line of lines) io.stderr(`${line}\n`);
    return exitCode;
  }
}

/** A config file, or the config inside a run exported from the app's library. */
async function readRunConfig(path: string): Promise<RunConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(
      `${path}: ${code === 'ENOENT' ? 'no such file or directory' : String(err)}`,
    );
  }
  const value = parseJsonText(text, path);
  if (isRecord(value) && value.format === 'syncbn-lab/run') {
    const run = value.run;
    if (!isRecord(run) || !isRecord(run.config)) {
      throw new InputError(`${path}: run.config: missing; the exported run holds no config`);
    }
    return configFromValue(run.config, `${path} (run.config)`);
  }
  return configFromValue(value, path);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function checkOutDir(out: string): Promise<void> {
  const existing = await stat(out).catch(() => null);
  if (existing === null) {
    const parent = dirname(resolve(out));
    if (!(await stat(parent).catch(() => null))?.isDirectory()) {
      throw new InputError(`--out ${out}: the directory ${parent} does not exist`);
    }
    return;
  }
  if (!existing.isDirectory())
    throw new InputError(`--out ${out}: is a file, expected a directory`);
  if ((await readdir(out)).length > 0) {
    throw new InputError(
      `--out ${out}: the directory is not empty; choose a new directory (nothing is overwritten)`,
    );
  }
}

/** Write every file into a fresh temporary directory beside `out`, then rename it into place. */
async function writeBundle(
  out: string,
  files: readonly { name: string; bytes: Uint8Array }[],
): Promise<void> {
  const target = resolve(out);
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    // mkdtemp makes the directory private (0700); the bundle is an ordinary directory.
    await chmod(tmp, 0o755);
    for (const f of files) await writeFile(join(tmp, f.name), f.bytes);
    await rmdir(target).catch(() => undefined); // an empty --out directory is replaced
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
