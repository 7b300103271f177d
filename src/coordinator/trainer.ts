import { type RunConfig, shardSizes } from '../config/schema.ts';
import { learningRate } from '../core/optim/schedule.ts';
import type { SplitDataset } from '../data/dataset.ts';
import { EpochSampler } from '../data/sampler.ts';
import { makeSharder } from '../data/sharding.ts';
import type { PassStats } from '../workers/device.ts';
import { checkFinalParams, nonFiniteLossMessage } from './diagnose-non-finite.ts';
import { stepLoss } from '../workers/gradient-averaging.ts';
import type { DeviceHost } from './hosts/host.ts';
import type { EvalRow, RunHooks, RunResult, TrainRow } from './run-types.ts';
import { type RunWarning, warningMessage } from './run-warning.ts';
import { populationChunks, populationStats } from './population.ts';
import { preciseBatches } from './precise-batches.ts';
import { TelemetryRecorder } from './telemetry.ts';

/** Test-set chunk a device evaluates at once with running statistics (per-sample, so any size gives the same numbers). */
const EVAL_CHUNK = 256;

/**
 * The data-parallel training loop: the coordinator draws each global batch, shards it over the
 * devices, lets the host run the step (merges and gradient all-reduce happen between devices, not
 * here), and turns the per-device results into metrics, reducing in device order.
 */
export async function train(
  config: RunConfig,
  data: SplitDataset,
  host: DeviceHost,
  hooks: RunHooks = {},
): Promise<RunResult> {
  const K = config.devices;
  const sizes = shardSizes(config.globalBatch, K);
  const sampler = new EpochSampler(data.train.count, config.globalBatch, config.seed);
  const shard = makeSharder(config.sharding, {
    devices: K,
    classes: data.train.classes,
    seed: config.seed,
  });
  const telemetry = new TelemetryRecorder(config, host);
  const trainRows: TrainRow[] = [];
  const evalRows: EvalRow[] = [];
  const warnings: string[] = [];
  const warn = (warning: RunWarning): void => {
    const message = warningMessage(warning);
    warnings.push(message);
    hooks.onWarning?.(message, warning);
  };
  const started = performance.now();

  const resume = hooks.resumeFrom;
  if (resume) {
    if (resume.step > config.steps) {
      throw new Error(
        `the checkpoint is at step ${resume.step}, past the run's ${config.steps} steps`,
      );
    }
    await host.importCheckpoint(resume);
    // The data order is a function of the seed: replay it up to the checkpoint.
    for (let s = 0; s < resume.step; s++) sampler.next();
  } else {
    await host.broadcastInitialParams();
  }
  const firstStep = (resume?.step ?? 0) + 1;
  await checkReplicas(host, firstStep - 1);
  hooks.onStart?.({
    transport: host.transport,
    workers: host.workers,
    devices: host.devices,
    fromStep: firstStep - 1,
    telemetry: telemetry.result(),
  });
  let status: RunResult['status'] = 'completed';
  // Worker hosts send copies of their reports, so a step's telemetry is recorded while the
  // workers compute the next step, off the step's critical path (and always before an eval, a
  // checkpoint or the end). In-process reports are the devices' own buffers, which the next step
  // reuses: they are recorded at once.
  const overlapTelemetry = host.transport !== 'local';
  let unrecorded: (() => void) | null = null;
  const recordTelemetry = (): void => {
    const record = unrecorded;
    unrecorded = null;
    record?.();
  };

  for (let step = firstStep; step <= config.steps; step++) {
    await hooks.beforeStep?.(step);
    if (hooks.shouldStop?.()) {
      warn({ code: 'stopped', step: step - 1, steps: config.steps });
      status = 'stopped';
      break;
    }
    const indices = sampler.next();
    const shards = shard(indices, data.train.y, sizes);
    const globalCount = shards.reduce((n, s) => n + s.length, 0);
    if (globalCount === 0) {
      warn({ code: 'empty-step', step });
      continue;
    }
    const lr = learningRate(config.schedule, config.optimizer.lr, step - 1, config.steps);
    const record = telemetry.wants(step);
    const pending = host.trainStep(step - 1, shards, globalCount, lr, record);
    recordTelemetry();
    const reports = await pending;
    const devices = reports.flatMap((r) => r.devices).sort((a, b) => a.rank - b.rank);
    let correct = 0;
    for (const d of devices) correct += d.correct;
    const loss = stepLoss(config.gradientAveraging, devices);
    const row = { step, loss, acc: correct / globalCount };
    trainRows.push(row);
    if (!Number.isFinite(row.loss)) {
      throw new Error(nonFiniteLossMessage(step, row.loss, reports, shards, data, config));
    }
    // The last update's result is never seen by a loss: look at it once.
    if (step === config.steps) await checkFinalParams(host, step, config, data);
    if (record && overlapTelemetry) unrecorded = () => telemetry.record(step, reports);
    else if (record) telemetry.record(step, reports);
    if (step % config.checksumEvery === 0) await checkReplicas(host, step);
    // The step's row goes out before its eval row and its checkpoint, so a checkpoint never
    // covers a step whose row its receiver has not seen.
    hooks.onProgress?.({ ...row, steps: config.steps, elapsedMs: performance.now() - started });
    if (step % config.evalEvery === 0 || step === config.steps) {
      recordTelemetry();
      const evalRow = { step, ...(await evaluate(config, data, host, step)) };
      evalRows.push(evalRow);
      hooks.onEval?.(evalRow);
    }
    const every = hooks.checkpointEvery;
    if (hooks.onCheckpoint && ((every && step % every === 0) || step === config.steps)) {
      recordTelemetry();
      await hooks.onCheckpoint(await host.exportCheckpoint(step));
    }
  }

  recordTelemetry();
  const lastEval = evalRows[evalRows.length - 1];
  const lastStep = trainRows[trainRows.length - 1]?.step ?? 0;
  const final =
    lastEval && lastEval.step === lastStep
      ? lastEval
      : { step: lastStep, ...(await evaluate(config, data, host, lastStep)) };
  return {
    config,
    train: trainRows,
    eval: evalRows,
    final: { testAcc: final.acc, testLoss: final.loss },
    telemetry: telemetry.result(),
    warnings,
    status,
  };
}

async function checkReplicas(host: DeviceHost, step: number): Promise<void> {
  const sums = await host.checksums();
  const bad = sums.findIndex((s) => s !== sums[0]);
  if (bad >= 0) {
    throw new Error(
      `replicas diverged at step ${step}: device ${bad}'s parameters or buffers differ from device 0's (checksum ${sums[bad]} vs ${sums[0]})`,
    );
  }
}

/** Test loss and accuracy with the statistics `config.evalMode` asks for. */
async function evaluate(
  config: RunConfig,
  data: SplitDataset,
  host: DeviceHost,
  step: number,
): Promise<Omit<EvalRow, 'step'>> {
  const K = config.devices;
  const n = data.test.count;
  let results: PassStats[];
  let population: EvalRow['population'];
  if (config.evalMode === 'batch') {
    // Each test batch is normalized with its own statistics, as a single device would at test time.
    results = await host.evaluate(spreadChunks(n, config.evalBatch, K), 'eval-batch');
  } else if (config.evalMode === 'precise') {
    const saved = await host.copyBuffers();
    await host.recomputePrecise(preciseBatches(config, data.train));
    results = await host.evaluate(spreadChunks(n, EVAL_CHUNK, K), 'eval-running');
    // Against the statistics this evaluation tested with: PreciseBN's.
    population = await populationAt(data, host, K);
    await host.loadBuffers(saved);
  } else {
    results = await host.evaluate(spreadChunks(n, EVAL_CHUNK, K), 'eval-running');
  }
  population ??= await populationAt(data, host, K);
  let lossSum = 0;
  let correct = 0;
  let count = 0;
  for (const r of results) {
    lossSum += r.lossSum;
    correct += r.correct;
    count += r.count;
  }
  if (count !== n)
    throw new Error(`evaluation at step ${step} covered ${count} of ${n} test samples`);
  const row = { loss: lossSum / n, acc: correct / n };
  return population ? { ...row, population } : row;
}

/**
 * The population statistics of every BN layer's input over the fixed training subset, in eval
 * mode with the weights frozen, next to the running statistics (undefined without such layers).
 */
async function populationAt(
  data: SplitDataset,
  host: DeviceHost,
  devices: number,
): Promise<EvalRow['population']> {
  const chunks = populationChunks(data.train.count, devices);
  const samples = chunks.flat().reduce((s, c) => s + c.length, 0);
  const stats = populationStats(await host.populationStats(chunks), samples);
  return Object.keys(stats).length > 0 ? stats : undefined;
}

/**
 * Consecutive chunks of `size` test indices covering 0…n−1 exactly once, chunk j to device
 * j mod K (independent of workers). A lone last sample joins the chunk before it (which then
 * holds size + 1): alone it would be a batch of one, which batch statistics cannot normalize.
 */
export function spreadChunks(n: number, size: number, devices: number): Int32Array[][] {
  const out: Int32Array[][] = Array.from({ length: devices }, () => []);
  for (let start = 0, j = 0; start < n; j++) {
    let end = Math.min(n, start + size);
    if (n - end === 1) end = n;
    const first = start;
    out[j % devices]!.push(Int32Array.from({ length: end - first }, (_, i) => first + i));
    start = end;
  }
  return out;
}
