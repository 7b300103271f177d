import { readFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { configFromText } from '../config/config-text.ts';
import { checkModelBuilds } from '../config/preflight.ts';
import { describeError, EXIT_BAD_INPUT, InputError } from '../config/problems.ts';
import {
  ARCHITECTURE_IDS,
  type ArchitectureId,
  architecture,
  type CostResult,
  type CostSetting,
  DEFAULT_EFFICIENCY,
  estimateCost,
  GPUS,
  type GpuId,
  gpuPreset,
  INTER_NODE_LINKS,
  type InterNodeLinkId,
  INTRA_NODE_LINKS,
  type IntraNodeLinkId,
  interNodeLink,
  intraNodeLink,
  type ModelSpec,
  simulatedModel,
} from '../cost/index.ts';
import type { CliIo } from './cli-io.ts';
import { parseArgs } from './parse-args.ts';
import { processIo } from './run-cli.ts';
import { costJson, costTable } from './cost-output.ts';

/**
 * `npm run cost -- --model resnet50 --gpus 64 --gpus-per-node 8 --fabric ib-ndr --gpu a100
 * --batch-per-gpu 2 [--json]`, or a run config's path instead of --model to cost the simulated
 * model. Prints what SyncBN costs per step (src/cost). Exit codes: 0 printed; 2 bad input (a flag,
 * a config), with one line naming it and what is allowed.
 */
interface CostOptions {
  model?: ArchitectureId;
  resolution?: { height: number; width: number };
  gpus?: number;
  gpusPerNode: number;
  fabric: InterNodeLinkId;
  intra?: IntraNodeLinkId;
  gpu: GpuId;
  batchPerGpu?: number;
  efficiency: number;
  computeMs?: number;
  algorithm: 'ring' | 'tree' | 'auto';
  alphaIntraUs?: number;
  alphaInterUs?: number;
  bwIntraGbps?: number;
  bwInterGbps?: number;
  bucketMb: number;
  firstBucketMb: number;
  maxGpus: number;
  json?: boolean;
  debug?: boolean;
}

const wholeAtLeast =
  (min: number) =>
  (text: string): number => {
    const v = Number(text);
    if (!Number.isInteger(v) || v < min) {
      throw new InvalidArgumentError(`Allowed: a whole number ≥ ${min}.`);
    }
    return v;
  };

const numberIn =
  (what: string, ok: (v: number) => boolean) =>
  (text: string): number => {
    const v = Number(text.trim() === '' ? Number.NaN : text);
    if (!Number.isFinite(v) || !ok(v)) throw new InvalidArgumentError(`Allowed: ${what}.`);
    return v;
  };

function resolutionArg(text: string): { height: number; width: number } {
  const m = /^(\d+)[x×](\d+)$/.exec(text.trim());
  const height = Number(m?.[1]);
  const width = Number(m?.[2]);
  if (!m || height < 32 || width < 32) {
    throw new InvalidArgumentError(
      'Allowed: HEIGHTxWIDTH in pixels, each at least 32, e.g. 256x704.',
    );
  }
  return { height, width };
}

const positive = numberIn('a number > 0', (v) => v > 0);
const nonNegative = numberIn('a number ≥ 0', (v) => v >= 0);

export async function runCost(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const program = new Command()
    .name('cost')
    .description('What SyncBN costs per training step on a GPU cluster (an α–β model, src/cost).')
    .argument('[config]', 'a run config (JSON): cost the simulated model instead of --model')
    .addOption(new Option('--model <id>', 'a real architecture').choices(ARCHITECTURE_IDS))
    .option(
      '--resolution <HxW>',
      'input size of --model, e.g. 256x704 (default 224x224; 800x1344 for resnet50-fpn)',
      resolutionArg,
    )
    .option(
      '--gpus <K>',
      "data-parallel GPUs (default 8, or the config's devices)",
      wholeAtLeast(1),
    )
    .option('--gpus-per-node <n>', 'GPUs per node', wholeAtLeast(1), 8)
    .addOption(
      new Option('--fabric <id>', 'network between nodes')
        .choices(INTER_NODE_LINKS.map((l) => l.id))
        .default('ib-ndr'),
    )
    .addOption(
      new Option('--intra <id>', "link inside a node (default: the GPU's NVLink)").choices(
        INTRA_NODE_LINKS.map((l) => l.id),
      ),
    )
    .addOption(new Option('--gpu <id>', 'GPU').choices(GPUS.map((g) => g.id)).default('a100'))
    .option(
      '--batch-per-gpu <n>',
      "samples per GPU per step (default 2, or the config's per-device batch)",
      wholeAtLeast(1),
    )
    .option(
      '--efficiency <f>',
      "fraction of the GPU's peak sustained in training",
      numberIn('a number in (0, 1]', (v) => v > 0 && v <= 1),
      DEFAULT_EFFICIENCY,
    )
    .option('--compute-ms <ms>', 'compute per step, measured (instead of FLOPs)', nonNegative)
    .addOption(
      new Option('--algorithm <name>', 'all_reduce algorithm')
        .choices(['ring', 'tree', 'auto'])
        .default('auto'),
    )
    .option('--alpha-intra-us <µs>', 'latency per hop inside a node', nonNegative)
    .option('--alpha-inter-us <µs>', 'latency per hop between nodes', nonNegative)
    .option('--bw-intra-gbps <GB/s>', 'bandwidth per GPU inside a node', positive)
    .option('--bw-inter-gbps <GB/s>', 'network bandwidth per GPU', positive)
    .option('--bucket-mb <MB>', "DDP's bucket_cap_mb", positive, 25)
    .option('--first-bucket-mb <MB>', "DDP's first bucket", positive, 1)
    .option('--max-gpus <K>', 'largest K of the scaling table', wholeAtLeast(1), 1024)
    .option('--json', 'print a JSON object instead of tables')
    .option('--debug', 'show stack traces for failures');
  const unknown = unknownFlag(program, argv);
  if (unknown !== null) {
    io.stderr(`${unknown}\n`);
    return EXIT_BAD_INPUT;
  }
  const early = parseArgs(program, argv, io, 'cost');
  if (early !== null) return early;
  const options = program.opts<CostOptions>();
  const configPath = program.args[0];
  try {
    const { model, batchPerGpu, gpus } = await modelOf(options, configPath);
    const setting = settingOf(options, model, batchPerGpu, gpus);
    const result = estimateCost(setting);
    await io.stdout(
      options.json
        ? `${JSON.stringify(costJson(setting, result), null, 2)}\n`
        : costTable(setting, result, labelsOf(options)),
    );
    return 0;
  } catch (err) {
    const { exitCode, lines } = describeError(err, { debug: options.debug });
    for (const line of lines) io.stderr(`${line}\n`);
    return err instanceof RangeError ? EXIT_BAD_INPUT : exitCode;
  }
}

async function modelOf(
  options: CostOptions,
  configPath: string | undefined,
): Promise<{ model: ModelSpec; batchPerGpu: number; gpus: number }> {
  if ((configPath === undefined) === (options.model === undefined)) {
    throw new InputError(
      `cost: give either --model (${ARCHITECTURE_IDS.join(', ')}) or a run config's path (got ${configPath === undefined ? 'neither' : 'both'})`,
    );
  }
  if (options.model !== undefined) {
    return {
      model: architecture(options.model, options.resolution),
      batchPerGpu: options.batchPerGpu ?? 2,
      gpus: options.gpus ?? 8,
    };
  }
  if (options.resolution !== undefined) {
    throw new InputError(
      "cost: --resolution applies to --model only (a run config's model takes its data's size)",
    );
  }
  let text: string;
  try {
    text = await readFile(configPath!, 'utf8');
  } catch {
    throw new InputError(`cost: cannot read the config file ${configPath}`);
  }
  const config = configFromText(text, configPath!);
  checkModelBuilds(config);
  const perDevice = config.perDeviceBatch ?? Math.ceil((config.globalBatch ?? 1) / config.devices);
  return {
    model: simulatedModel(config),
    batchPerGpu: options.batchPerGpu ?? perDevice,
    gpus: options.gpus ?? config.devices,
  };
}

function settingOf(
  options: CostOptions,
  model: ModelSpec,
  batchPerGpu: number,
  gpus: number,
): CostSetting {
  const gpu = gpuPreset(options.gpu);
  const intra = intraNodeLink(options.intra ?? gpu.nodeLink);
  const inter = interNodeLink(options.fabric);
  return {
    model,
    gpus,
    gpusPerNode: options.gpusPerNode,
    batchPerGpu,
    fabric: {
      intra: {
        ...intra,
        alphaUs: options.alphaIntraUs ?? intra.alphaUs,
        bandwidthGBps: options.bwIntraGbps ?? intra.bandwidthGBps,
      },
      inter: {
        ...inter,
        alphaUs: options.alphaInterUs ?? inter.alphaUs,
        bandwidthGBps: options.bwInterGbps ?? inter.bandwidthGBps,
      },
      baseUs: 0,
    },
    compute:
      options.computeMs !== undefined
        ? { computeMs: options.computeMs }
        : { peakTflops: gpu.peakTflops, efficiency: options.efficiency },
    algorithm: options.algorithm,
    bucketMb: options.bucketMb,
    firstBucketMb: options.firstBucketMb,
    maxScalingGpus: options.maxGpus,
  };
}

/**
 * An unknown flag, as one line that also lists the flags there are (commander's own message
 * names only the flag); null when every flag is known.
 */
function unknownFlag(program: Command, argv: readonly string[]): string | null {
  const known = new Set(['--help', '-h', ...program.options.map((o) => o.long ?? '')]);
  for (const arg of argv) {
    if (arg === '--') break;
    if (!arg.startsWith('--')) continue;
    const flag = arg.split('=')[0]!;
    if (!known.has(flag)) {
      const allowed = program.options.map((o) => o.long).join(', ');
      return `cost: unknown option '${flag}'. Allowed options are ${allowed}.`;
    }
  }
  return null;
}

function labelsOf(options: CostOptions): { gpu: string } {
  return { gpu: gpuPreset(options.gpu).label };
}

export type { CostResult };
