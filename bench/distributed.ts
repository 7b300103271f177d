/**
 * Distributed-engine figures: all-reduce latency per transport, the step-time cost of SyncBN
 * over local BN, and how throughput scales with workers. Run: npm run bench -- --only distributed
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parseConfig, type RunConfigInput, shardSizes } from '../src/config/schema.ts';
import { InProcessHost } from '../src/coordinator/hosts/in-process.ts';
import { TelemetryRecorder } from '../src/coordinator/telemetry.ts';
import { EpochSampler } from '../src/data/sampler.ts';
import { makeSharder } from '../src/data/sharding.ts';
import type { PeerPort } from '../src/collectives/message-port.ts';
import { createSharedMemoryLayout } from '../src/collectives/shared-memory.ts';
import { makeDataset } from '../src/data/make-dataset.ts';
import { stepTime as windowedStepTime } from './devices.ts';
import type { Target } from './targets.ts';
import { loadMnistNode } from '../src/platform/node/mnist.ts';

const ROUNDS = 5;
const BOOT = new URL('../src/platform/node/ts-worker-boot.mjs', import.meta.url);

function startWorker(
  entry: string,
  workerData: Record<string, unknown>,
  transferList: unknown[] = [],
): Worker {
  return new Worker(BOOT, {
    workerData: { entry, ...workerData },
    transferList: transferList as never[],
  });
}

/** µs per all-reduce of `length` floats among `devices` workers (one device each). */
export async function allReduceLatency(
  transport: 'shared-memory' | 'message-port',
  devices = 4,
  length = 256,
  calls = 2000,
): Promise<number> {
  const entry = new URL('./fixtures-collective-worker.ts', import.meta.url).href;
  const ranksOf = Array.from({ length: devices }, (_, k) => [k]);
  let ports: (PeerPort | null)[][] = [];
  if (transport === 'message-port') {
    ports = ranksOf.map(() => new Array<PeerPort | null>(devices).fill(null));
    for (let a = 0; a < devices; a++)
      for (let b = a + 1; b < devices; b++) {
        const ch = new MessageChannel();
        ports[a]![b] = ch.port1 as unknown as PeerPort;
        ports[b]![a] = ch.port2 as unknown as PeerPort;
      }
  }
  const shared =
    transport === 'shared-memory'
      ? createSharedMemoryLayout({
          ranksOf,
          devices,
          slotLength: 1,
          vectorLength: length,
          timeoutMs: 10_000,
        })
      : undefined;
  const results = await Promise.all(
    ranksOf.map(
      (_, worker) =>
        new Promise<number>((resolve, reject) => {
          const mine = ports[worker] ?? [];
          const w = startWorker(
            entry,
            {
              job: {
                worker,
                calls,
                length,
                shared,
                ports: transport === 'message-port' ? mine : undefined,
                ranksOf,
              },
            },
            mine.filter(Boolean),
          );
          w.once('message', (m: { us: number }) => {
            resolve(m.us);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return Math.max(...results);
}

/** µs per round trip: raw postMessage and a Comlink call, to one worker. */
export async function roundTrips(
  calls = 2000,
): Promise<{ postMessageUs: number; comlinkUs: number }> {
  const entry = new URL('./fixtures-echo-worker.ts', import.meta.url).href;
  const w = startWorker(entry, {});
  const echo = (): Promise<void> =>
    new Promise((resolve) => {
      w.once('message', () => resolve());
      w.postMessage({ ping: 1 });
    });
  await new Promise<void>((resolve) => w.once('online', () => resolve()));
  for (let i = 0; i < 100; i++) await echo();
  let t0 = performance.now();
  for (let i = 0; i < calls; i++) await echo();
  const postMessageUs = ((performance.now() - t0) * 1000) / calls;
  w.postMessage({ comlink: 1 });
  await new Promise<void>((resolve) => w.once('message', () => resolve()));
  const api = Comlink.wrap<{ ping(): number }>(nodeEndpoint(w));
  for (let i = 0; i < 100; i++) await api.ping();
  t0 = performance.now();
  for (let i = 0; i < calls; i++) await api.ping();
  const comlinkUs = ((performance.now() - t0) * 1000) / calls;
  await w.terminate();
  return { postMessageUs, comlinkUs };
}

/** Milliseconds per training step (after warm-up) and samples/s for a run on real workers. */
export async function stepTime(
  input: RunConfigInput,
  workers: number,
): Promise<{ msPerStep: number; samplesPerSec: number }> {
  // The devices section's measure (its fastest window of steps), so both sections agree.
  const { msPerStep } = await windowedStepTime(input, workers);
  return { msPerStep, samplesPerSec: (parseConfig(input).globalBatch * 1000) / msPerStep };
}

/**
 * What recording telemetry costs a step: steps alternate with and without it in one thread (so
 * machine noise hits both alike), and the reports are structured-cloned as a worker's are.
 */
async function telemetryCost(
  input: RunConfigInput,
  pairs = 60,
): Promise<{ onMs: number; offMs: number; overhead: number }> {
  const config = parseConfig(input);
  const data = makeDataset(config.dataset, config.seed, await loadMnistNode());
  const host = new InProcessHost(config, data);
  const recorder = new TelemetryRecorder(config, host);
  const sampler = new EpochSampler(data.train.count, config.globalBatch, config.seed);
  const shard = makeSharder(config.sharding, {
    devices: config.devices,
    classes: data.train.classes,
    seed: config.seed,
  });
  const sizes = shardSizes(config.globalBatch, config.devices);
  let on = 0;
  let off = 0;
  for (let i = 0; i < 2 * pairs + 10; i++) {
    const record = i % 2 === 0;
    const shards = shard(sampler.next(), data.train.y, sizes);
    const t0 = performance.now();
    const reports = await host.trainStep(i, shards, config.globalBatch, 0.01, record);
    if (record) recorder.record(i + 1, structuredClone(reports));
    const dt = performance.now() - t0;
    if (i < 10) continue;
    if (record) on += dt;
    else off += dt;
  }
  return { onMs: on / pairs, offMs: off / pairs, overhead: on / off - 1 };
}

const mlpRun = (over: Partial<RunConfigInput>): RunConfigInput => ({
  seed: 1,
  dataset: { name: 'mnist', train: 4000, test: 100 },
  model: { preset: 'mlp', hidden: [256, 256], norm: 'batch' },
  optimizer: { name: 'sgd', lr: 0.05, momentum: 0.9 },
  steps: 85,
  evalEvery: 1000,
  checksumEvery: 1000,
  telemetryEvery: 10,
  ...over,
});

export async function benchDistributed(
  print: (line: string) => void,
  targets: Target[] = [],
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const rt = await roundTrips();
  figures.postMessageRoundTripUs = rt.postMessageUs;
  figures.comlinkRoundTripUs = rt.comlinkUs;
  print(
    `worker round trip: postMessage ${rt.postMessageUs.toFixed(1)} µs, Comlink ${rt.comlinkUs.toFixed(1)} µs`,
  );
  for (const transport of ['shared-memory', 'message-port'] as const) {
    const us = await allReduceLatency(transport);
    figures[`allReduce_${transport}_us`] = us;
    print(`all-reduce of 256 floats over 4 workers, ${transport}: ${us.toFixed(1)} µs per call`);
  }
  // Shared machines are noisy: alternate the configurations and keep each one's best round.
  const best = async (
    runs: Record<string, () => Promise<{ msPerStep: number; samplesPerSec: number }>>,
  ) => {
    const out: Record<string, { msPerStep: number; samplesPerSec: number }> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, run] of Object.entries(runs)) {
        const r = await run();
        if (!out[name] || r.msPerStep < out[name].msPerStep) out[name] = r;
      }
    }
    return out;
  };
  const bn = await best({
    local: () => stepTime(mlpRun({ devices: 4, perDeviceBatch: 8, bnSync: 'local' }), 2),
    sync: () => stepTime(mlpRun({ devices: 4, perDeviceBatch: 8, bnSync: 'sync' }), 2),
  });
  const local = bn.local!;
  const sync = bn.sync!;
  figures.stepMsLocal = local.msPerStep;
  figures.stepMsSync = sync.msPerStep;
  figures.syncOverLocal = sync.msPerStep / local.msPerStep;
  print(
    `MLP 784-256-256-10, K=4 × 8, W=2: local ${local.msPerStep.toFixed(2)} ms/step, sync ${sync.msPerStep.toFixed(2)} ms/step, sync/local ${figures.syncOverLocal.toFixed(3)} (target ≤ 1.15; best of ${ROUNDS})`,
  );
  targets.push({
    name: 'MLP K=4 × 8, W=2: sync / local step time',
    value: figures.syncOverLocal,
    text: `${sync.msPerStep.toFixed(2)} / ${local.msPerStep.toFixed(2)} ms = ${figures.syncOverLocal.toFixed(3)}`,
    target: '≤ 1.15',
    met: figures.syncOverLocal <= 1.15,
  });
  const scale = await best({
    w1: () => stepTime(mlpRun({ devices: 4, perDeviceBatch: 32, bnSync: 'sync' }), 1),
    w2: () => stepTime(mlpRun({ devices: 4, perDeviceBatch: 32, bnSync: 'sync' }), 2),
  });
  const w1 = scale.w1!;
  const w2 = scale.w2!;
  figures.samplesPerSecW1 = w1.samplesPerSec;
  figures.samplesPerSecW2 = w2.samplesPerSec;
  figures.w2OverW1 = w2.samplesPerSec / w1.samplesPerSec;
  print(
    `MLP, K=4 × 32, sync: W=1 ${w1.samplesPerSec.toFixed(0)} samples/s, W=2 ${w2.samplesPerSec.toFixed(0)} samples/s, W2/W1 ${figures.w2OverW1.toFixed(2)}× (target ≥ 1.85; best of ${ROUNDS})`,
  );
  targets.push({
    name: `MLP 4 × 32 sync throughput W=2 / W=1 (distributed section, best of ${ROUNDS})`,
    value: figures.w2OverW1,
    text: `${w2.samplesPerSec.toFixed(0)} / ${w1.samplesPerSec.toFixed(0)} samples/s = ${figures.w2OverW1.toFixed(2)}×`,
    target: '≥ 1.85',
    met: figures.w2OverW1 >= 1.85,
  });
  // What telemetry every step costs a run: on real workers, where the coordinator records a
  // step's telemetry while the workers compute the next one. That is the target; the CPU the
  // recording takes, timed in one thread with the coordinator's work in line, is printed beside it.
  const telRun = (telemetryEvery: number, w: number) => () =>
    stepTime(mlpRun({ devices: 4, perDeviceBatch: 8, bnSync: 'sync', telemetryEvery }), w);
  const telRuns = await best({
    on1: telRun(1, 1),
    off1: telRun(1000, 1),
    on2: telRun(1, 2),
    off2: telRun(1000, 2),
  });
  let worst = Number.NEGATIVE_INFINITY;
  for (const w of [1, 2]) {
    const on = telRuns[`on${w}`]!.msPerStep;
    const off = telRuns[`off${w}`]!.msPerStep;
    figures[`telemetryRunOverheadW${w}`] = on / off - 1;
    worst = Math.max(worst, on / off - 1);
    print(
      `telemetry every step in a run on ${w} worker${w > 1 ? 's' : ''} (K=4 × 8, sync, best of ${ROUNDS}): ${on.toFixed(2)} vs ${off.toFixed(2)} ms/step, overhead ${(100 * (on / off - 1)).toFixed(1)}% (target < 5%)`,
    );
  }
  targets.push({
    name: 'telemetry every step vs none, in runs on 1 and 2 workers (the larger)',
    value: worst,
    text: `${(100 * worst).toFixed(1)}%`,
    target: '< 5%',
    met: worst < 0.05,
  });
  const tel = await telemetryCost(
    mlpRun({ devices: 4, perDeviceBatch: 8, bnSync: 'sync', telemetryEvery: 1 }),
  );
  figures.telemetryOverhead = tel.overhead;
  print(
    `telemetry's CPU in one thread (K=4 × 8, sync, steps alternating on/off, the coordinator's recording in line, reports cloned as a worker's would be): ${tel.onMs.toFixed(2)} vs ${tel.offMs.toFixed(2)} ms/step, +${(100 * tel.overhead).toFixed(1)}%`,
  );
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchDistributed((l) => console.log(l));
}
