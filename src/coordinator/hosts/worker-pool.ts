import { transfer } from 'comlink';
import { describeDevices, describeWorker } from '../../collectives/collective.ts';
import type { PeerPort } from '../../collectives/message-port.ts';
import { createSharedMemoryLayout } from '../../collectives/shared-memory.ts';
import { optimizerStateVectors } from '../../core/optim/make-optimizer.ts';
import {
  chooseTransport,
  type Exchange,
  sharedMemoryAvailable,
  type WorkerTransport,
} from '../../collectives/transport.ts';
import type { RunConfig } from '../../config/schema.ts';
import { errorMessage } from '../../core/error-message.ts';
import type { SplitDataset } from '../../data/dataset.ts';
import {
  argsForWorker,
  combineResults,
  type DeviceProtocol,
  deviceOperations,
  forwardingBase,
  type HostOperations,
  type OperationArgs,
  type OperationName,
  operationLabel,
} from '../../workers/device-protocol.ts';
import type { DeviceWorkerApi, ModelLayout } from '../../workers/device-worker-api.ts';
import { momentsPayloadLength } from '../../workers/sync-payload.ts';
import { assignRanks, type DeviceHost } from './host.ts';
import type { WorkerHandle } from './worker-handle.ts';
import { shareDataset } from './shared-dataset.ts';

/** A started device worker, whichever host made it (browser Worker or Node worker_thread). */
export type DeviceWorkerHandle = WorkerHandle<DeviceWorkerApi>;

/**
 * How long past `collectiveTimeoutMs` a worker may take to answer one call (a step, an evaluation)
 * before it is declared stuck. A healthy worker waits at most `collectiveTimeoutMs` in any one
 * collective, so a worker still silent after that plus this margin is blocked or looping.
 */
export const CALL_MARGIN_MS = 5000;

/**
 * Once one worker's call has failed (say, a collective timed out naming a peer), how long the
 * others get to answer before those still silent are declared stuck: the healthy ones are told
 * by the aborted collective and answer within milliseconds.
 */
export const AFTER_FAILURE_GRACE_MS = 2000;

/**
 * Devices spread over W workers that talk to each other through shared memory; the coordinator
 * only hands out shards and collects per-device results. Whichever worker fails first is the error
 * reported (the others then fail with "aborted"). Every call has a deadline: a worker that dies is
 * named at once, one that stops answering (blocked or looping) is named after
 * `collectiveTimeoutMs + CALL_MARGIN_MS` and terminated, so a run never hangs.
 */
export class WorkerPoolHost extends forwardingBase<HostOperations>() implements DeviceHost {
  readonly devices: number;
  readonly workers: number;

  /** The first worker death, once one happened (every later call fails with it). */
  private deathError: Error | null = null;
  /** Calls in flight, failed at once when a worker dies. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private readonly deadlineMs: number;

  private constructor(
    private readonly handles: readonly DeviceWorkerHandle[],
    private readonly ranksOf: readonly (readonly number[])[],
    readonly transport: WorkerTransport,
    collectiveTimeoutMs: number,
  ) {
    super();
    this.devices = ranksOf.reduce((n, r) => n + r.length, 0);
    this.workers = handles.length;
    this.deadlineMs = collectiveTimeoutMs + CALL_MARGIN_MS;
    // Not a Promise.race against a promise that never settles: each race would leave a reaction
    // on it holding the call's result for the rest of the run (45 MB per 1,000 steps).
    handles.forEach((h, i) => {
      h.died.catch((e: unknown) => {
        const error = new Error(
          `${describeDevices(ranksOf[i]!)} stopped answering: ${errorMessage(e)}`,
        );
        this.deathError ??= error;
        for (const fail of [...this.inFlight]) fail(this.deathError);
      });
    });
  }

  static async start(
    config: RunConfig,
    data: SplitDataset,
    spawn: (index: number) => DeviceWorkerHandle,
    workers: number,
  ): Promise<WorkerPoolHost> {
    const ranksOf = assignRanks(config.devices, workers);
    const handles = ranksOf.map((_, i) => spawn(i));
    const transport = chooseTransport(config.transport);
    const host = new WorkerPoolHost(handles, ranksOf, transport, config.collectiveTimeoutMs);
    try {
      const sample = { sampleShape: data.train.sampleShape, classes: data.train.classes };
      const layout = await host.first('describe', (h) => h.api.describe(config, sample));
      const exchanges = makeExchanges(transport, config, ranksOf, layout);
      const shared = sharedMemoryAvailable();
      const train = shareDataset(data.train, shared);
      const test = shareDataset(data.test, shared);
      await host.all('start', (h, i) => {
        const exchange = exchanges[i]!;
        const start = {
          config,
          worker: i,
          ranks: ranksOf[i]!,
          train,
          test,
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
    await this.loadParams(await this.copyParams());
  }

  /**
   * Every protocol operation: the workers the table names, each with its own devices' entries of
   * per-device arguments, within the deadline; their results combined as the table says.
   */
  override async forward<K extends OperationName>(op: K, args: OperationArgs<K>): Promise<unknown> {
    const workers = deviceOperations[op].workers === 'first' ? [0] : this.handles.map((_, i) => i);
    const results = await this.callWorkers(operationLabel(op, args), workers, (h, w) => {
      const call = h.api[op] as unknown as (
        ...a: OperationArgs<K>
      ) => Promise<Awaited<ReturnType<DeviceProtocol[K]>>>;
      return call(...argsForWorker(op, args, this.ranksOf[w]!));
    });
    return combineResults(op, results);
  }

  async close(reusable = false): Promise<void> {
    for (const h of this.handles) {
      if (reusable && h.release) h.release();
      else h.terminate();
    }
  }

  /** Call worker 0 only (its replica stands for all). */
  private async first<T>(what: string, call: (h: DeviceWorkerHandle) => Promise<T>): Promise<T> {
    return (await this.callWorkers(what, [0], (h) => call(h)))[0]!;
  }

  /** Call every worker. */
  private all<T>(
    what: string,
    call: (h: DeviceWorkerHandle, index: number) => Promise<T>,
  ): Promise<T[]> {
    return this.callWorkers(
      what,
      this.handles.map((_, i) => i),
      call,
    );
  }

  /**
   * Call the given workers and wait for all of them, within the deadline. Reports the root
   * failure, not the "aborted" echoes of the others; a worker that answers neither within the
   * deadline nor within the grace after another's failure is named as stuck and terminated.
   */
  private callWorkers<T>(
    what: string,
    workers: readonly number[],
    call: (h: DeviceWorkerHandle, index: number) => Promise<T>,
  ): Promise<T[]> {
    if (this.deathError) return Promise.reject(this.deathError);
    return new Promise<T[]>((resolve, reject) => {
      const results = new Array<T>(workers.length);
      const answered = new Array<boolean>(workers.length).fill(false);
      const failures: string[] = [];
      let waiting = workers.length;
      let done = false;
      const finish = (error: Error | null): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.inFlight.delete(finish);
        if (error) reject(error);
        else resolve(results);
      };
      const rootFailure = (): string =>
        failures.find((m) => !m.startsWith('aborted')) ?? failures[0] ?? '';
      const expire = (afterFailure: boolean): void => {
        const stuck = workers.filter((_, j) => !answered[j]);
        for (const w of stuck) this.handles[w]!.terminate();
        const who = stuck.map((w) => describeWorker(this.ranksOf, w)).join(', ');
        const within = afterFailure
          ? `within ${AFTER_FAILURE_GRACE_MS} ms after the others had failed`
          : `within ${this.deadlineMs} ms (collectiveTimeoutMs + ${CALL_MARGIN_MS} ms)`;
        const root = rootFailure();
        const state =
          stuck.length > 1
            ? 'these workers are stuck (blocked or in an endless loop) and were stopped'
            : 'the worker is stuck (blocked or in an endless loop) and was stopped';
        finish(
          new Error(`${who} did not answer ${what} ${within}: ${state}${root ? `. ${root}` : ''}`),
        );
      };
      let timer = setTimeout(() => expire(false), this.deadlineMs);
      this.inFlight.add(finish);
      const settle = (): void => {
        if (--waiting === 0) finish(failures.length ? new Error(rootFailure()) : null);
      };
      workers.forEach((w, j) => {
        call(this.handles[w]!, w).then(
          (value) => {
            results[j] = value;
            answered[j] = true;
            settle();
          },
          (e: unknown) => {
            answered[j] = true;
            if (!failures.length && !done && waiting > 1) {
              clearTimeout(timer);
              timer = setTimeout(() => expire(true), AFTER_FAILURE_GRACE_MS);
            }
            failures.push(errorMessage(e));
            settle();
          },
        );
      });
    });
  }
}

function makeExchanges(
  transport: WorkerTransport,
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
      stateVectors: optimizerStateVectors(config.optimizer),
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
