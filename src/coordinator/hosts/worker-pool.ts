import { type Remote, transfer } from 'comlink';
import type { RunConfig } from '../../config/schema.ts';
import type { SplitDataset } from '../../data/dataset.ts';
import type { PassStats } from '../../workers/device.ts';
import type { DeviceWorkerApi, Exchange, ModelLayout } from '../../workers/device-worker-api.ts';
import type { GroupStepReport } from '../../workers/reports.ts';
import { momentsPayloadLength } from '../../workers/sync-payload.ts';
import { describeDevices } from '../../collectives/collective.ts';
import type { PeerPort } from '../../collectives/message-port.ts';
import { createSharedMemoryLayout } from '../../collectives/shared-memory.ts';
import type { Checkpoint } from '../../workers/checkpoint.ts';
import { assignRanks, type DeviceHost } from './host.ts';

/** A started worker, whichever host made it (browser Worker or Node worker_thread). */
export interface WorkerHandle {
  readonly api: Remote<DeviceWorkerApi>;
  /** Rejects, with a message naming the worker, if the worker dies. Never resolves otherwise. */
  readonly died: Promise<never>;
  terminate(): void;
  /** Give an idle, healthy worker back for another run (pooled workers only). */
  release?(): void;
}

/**
 * Devices spread over W workers that talk to each other through shared memory; the coordinator
 * only hands out shards and collects per-device results. Whichever worker fails first is the error
 * reported (the others then fail with "aborted").
 */
export class WorkerPoolHost implements DeviceHost {
  readonly devices: number;
  readonly workers: number;

  /** Rejects when any worker dies, naming the devices it hosted. */
  private readonly anyDied: Promise<never>;

  private constructor(
    private readonly handles: readonly WorkerHandle[],
    private readonly ranksOf: readonly (readonly number[])[],
    readonly transport: 'shared-memory' | 'message-port',
  ) {
    this.devices = ranksOf.reduce((n, r) => n + r.length, 0);
    this.workers = handles.length;
    this.anyDied = Promise.race(
      handles.map((h, i) =>
        h.died.catch((e: unknown) => {
          throw new Error(
            `${describeDevices(ranksOf[i]!)} stopped answering: ${e instanceof Error ? e.message : String(e)}`,
          );
        }),
      ),
    );
    this.anyDied.catch(() => {});
  }

  static async start(
    config: RunConfig,
    data: SplitDataset,
    spawn: (index: number) => WorkerHandle,
    workers: number,
  ): Promise<WorkerPoolHost> {
    const ranksOf = assignRanks(config.devices, workers);
    const handles = ranksOf.map((_, i) => spawn(i));
    const transport = chooseTransport(config.transport);
    const host = new WorkerPoolHost(handles, ranksOf, transport);
    try {
      const sample = { sampleShape: data.train.sampleShape, classes: data.train.classes };
      const layout = await host.race(handles[0]!.api.describe(config, sample));
      const exchanges = makeExchanges(transport, config, ranksOf, layout);
      await host.all((h, i) => {
        const exchange = exchanges[i]!;
        const start = {
          config,
          worker: i,
          ranks: ranksOf[i]!,
          train: data.train,
          test: data.test,
          exchange,
        };
        const ports =
          exchange.kind === 'message-port' ? exchange.ports.filter((p) => p !== null) : [];
        return h.api.start(transfer(start, ports as unknown as Transferable[]));
      });
    } catch (e) {
      await host.close();
      throw e;
    }
    return host;
  }

  async broadcastInitialParams(): Promise<void> {
    const params = await this.race(this.handles[0]!.api.copyParams());
    await this.all((h) => h.api.loadParams(params));
  }

  trainStep(
    step: number,
    shards: readonly Int32Array[],
    globalCount: number,
    lr: number,
    recordTelemetry: boolean,
  ): Promise<GroupStepReport[]> {
    return this.all((h, i) =>
      h.api.trainStep(step, this.mine(shards, i), globalCount, lr, recordTelemetry),
    );
  }

  async evaluate(
    batches: readonly (readonly Int32Array[])[],
    mode: 'eval-running' | 'eval-batch',
  ): Promise<PassStats[]> {
    const perWorker = await this.all((h, i) =>
      h.api.evaluate(
        this.mine(batches, i).map((b) => [...b]),
        mode,
      ),
    );
    return perWorker.flat();
  }

  async recomputePrecise(batches: readonly (readonly Int32Array[])[]): Promise<void> {
    await this.all((h, i) => h.api.recomputePrecise(batches.map((shards) => this.mine(shards, i))));
  }

  async checksums(): Promise<number[]> {
    return (await this.all((h) => h.api.checksums())).flat();
  }

  copyParams(): Promise<Float32Array> {
    return this.race(this.handles[0]!.api.copyParams());
  }

  exportCheckpoint(step: number): Promise<Checkpoint> {
    return this.race(this.handles[0]!.api.exportCheckpoint(step));
  }

  async importCheckpoint(checkpoint: Checkpoint): Promise<void> {
    await this.all((h) => h.api.importCheckpoint(checkpoint));
  }

  copyBuffers(): Promise<Float32Array> {
    return this.race(this.handles[0]!.api.copyBuffers());
  }

  async loadBuffers(buffers: Float32Array): Promise<void> {
    await this.all((h) => h.api.loadBuffers(buffers));
  }

  async close(reusable = false): Promise<void> {
    for (const h of this.handles) {
      if (reusable && h.release) h.release();
      else h.terminate();
    }
  }

  /** This worker's slice of a per-device array. */
  private mine<T>(perDevice: readonly T[], worker: number): T[] {
    return this.ranksOf[worker]!.map((k) => perDevice[k]!);
  }

  private race<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.anyDied]);
  }

  /** Call every worker; report the root failure, not the "aborted" echoes of the others. */
  private async all<T>(call: (h: WorkerHandle, index: number) => Promise<T>): Promise<T[]> {
    const settled = await this.race(Promise.allSettled(this.handles.map(call)));
    const failures = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failures.length) {
      const messages = failures.map((f) =>
        f.reason instanceof Error ? f.reason.message : String(f.reason),
      );
      const root = messages.find((m) => !m.startsWith('aborted')) ?? messages[0]!;
      throw new Error(root);
    }
    return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
  }
}

/** Shared memory wherever it exists (always in Node; in browsers only when cross-origin isolated). */
export function sharedMemoryAvailable(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer !== 'undefined' && isolated !== false;
}

function chooseTransport(wanted: RunConfig['transport']): 'shared-memory' | 'message-port' {
  if (wanted === 'message-port') return wanted;
  if (sharedMemoryAvailable()) return 'shared-memory';
  if (wanted === 'shared-memory') {
    throw new Error(
      'transport: shared memory needs SharedArrayBuffer, which this page does not have (it must be served cross-origin isolated, with COOP/COEP headers); use transport "auto" or "message-port"',
    );
  }
  return 'message-port';
}

function makeExchanges(
  transport: 'shared-memory' | 'message-port',
  config: RunConfig,
  ranksOf: readonly (readonly number[])[],
  layout: ModelLayout,
): Exchange[] {
  const W = ranksOf.length;
  if (transport === 'shared-memory') {
    const shared = createSharedMemoryLayout({
      ranksOf,
      devices: config.devices,
      slotLength: slotLength(config, layout),
      vectorLength: Math.max(layout.paramCount, layout.bufferCount),
      timeoutMs: config.collectiveTimeoutMs,
    });
    return ranksOf.map(() => ({ kind: 'shared-memory', layout: shared }));
  }
  // One channel per pair of workers: ports[a][b] is a's end towards b.
  const ports: (PeerPort | null)[][] = ranksOf.map(() => new Array<PeerPort | null>(W).fill(null));
  for (let a = 0; a < W; a++) {
    for (let b = a + 1; b < W; b++) {
      const channel = new MessageChannel();
      ports[a]![b] = channel.port1;
      ports[b]![a] = channel.port2;
    }
  }
  return ranksOf.map((_, w) => ({
    kind: 'message-port',
    ports: ports[w]!,
    ranksOf,
    timeoutMs: config.collectiveTimeoutMs,
  }));
}

function slotLength(config: RunConfig, layout: ModelLayout): number {
  const maxShard = Math.ceil(config.globalBatch / config.devices);
  const groups =
    config.model.norm === 'ghost'
      ? Math.max(1, Math.ceil(maxShard / config.model.normOptions.virtualBatch))
      : 1;
  const moments = layout.bnChannels.map((c) => momentsPayloadLength(groups, c));
  return Math.max(1, layout.bufferCount, ...moments);
}
