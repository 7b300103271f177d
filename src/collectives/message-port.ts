import {
  type CallTag,
  type Collective,
  type CollectiveStats,
  describeTag,
  describeWorker,
  mismatchError,
  newStats,
  sumInOrder,
  timeoutError,
} from './collective.ts';

/** The part of MessagePort that browsers and Node's worker_threads share. */
export interface PeerPort {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

interface CallMessage {
  readonly seq: number;
  readonly from: number;
  readonly tag: CallTag;
  readonly payloads: readonly (readonly [number, Float64Array | Float32Array])[];
}

interface AbortMessage {
  readonly abort: string;
  readonly from: number;
}

type Message = CallMessage | AbortMessage;

/**
 * Collectives over MessagePorts, for browsers that are not cross-origin isolated (no
 * SharedArrayBuffer). Every worker has a port to every other; each call sends this worker's
 * device payloads to all peers and waits for theirs. Every worker then reduces all devices in
 * device order itself, so the numbers equal the shared-memory transport's exactly.
 */
export class MessagePortCollective implements Collective {
  readonly transport = 'message-port';
  readonly stats: CollectiveStats = newStats();
  private seq = 0;
  /** Messages that arrived before this worker reached their call, by seq then sender. */
  private readonly inbox = new Map<number, Map<number, CallMessage>>();
  private waiting: { seq: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private aborted: Error | null = null;

  constructor(
    private readonly worker: number,
    /** ports[w] talks to worker w (null for this worker itself). */
    private readonly ports: readonly (PeerPort | null)[],
    private readonly ranksOf: readonly (readonly number[])[],
    private readonly timeoutMs: number,
  ) {
    for (const port of ports) {
      if (!port) continue;
      port.addEventListener('message', (event) => this.receive(event.data as Message));
      port.start();
    }
  }

  async allGather(
    tag: CallTag,
    local: ReadonlyMap<number, Float64Array>,
  ): Promise<readonly Float64Array[]> {
    const messages = await this.exchange(tag, [...local]);
    const devices = this.ranksOf.reduce((n, r) => n + r.length, 0);
    const all = new Array<Float64Array>(devices);
    for (const m of messages) for (const [rank, p] of m.payloads) all[rank] = p as Float64Array;
    return all;
  }

  async allReduceSum(
    tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void> {
    const messages = await this.exchange(tag, [...local]);
    const parts: Float32Array[] = [];
    for (const m of messages) for (const [rank, p] of m.payloads) parts[rank] = p as Float32Array;
    sumInOrder(parts, out);
  }

  abort(reason: string): void {
    const message: AbortMessage = { abort: reason, from: this.worker };
    for (const port of this.ports) port?.postMessage(message);
  }

  /** Send ours, wait for everyone's, check they all came for the same call; includes our own. */
  private async exchange(
    tag: CallTag,
    payloads: readonly (readonly [number, Float64Array | Float32Array])[],
  ): Promise<CallMessage[]> {
    if (this.aborted) throw this.aborted;
    const seq = ++this.seq;
    const mine: CallMessage = { seq, from: this.worker, tag, payloads };
    for (const port of this.ports) port?.postMessage(mine);
    this.stats.calls++;
    const bytes = payloads.reduce((n, [, p]) => n + p.byteLength, 0);
    this.stats.bytes += bytes * (this.ports.length - 1);
    const t0 = performance.now();
    await this.waitForAll(seq, tag);
    this.stats.waitMs += performance.now() - t0;
    // Nothing arrives for a call when this worker is the only one (complete() counts 0 = 0 others).
    const received = this.inbox.get(seq) ?? new Map<number, CallMessage>();
    this.inbox.delete(seq);
    const all = [mine, ...received.values()].sort((a, b) => a.from - b.from);
    for (const m of all) {
      const t = m.tag;
      if (t.kind !== tag.kind || t.layerIndex !== tag.layerIndex || t.step !== tag.step) {
        throw mismatchError(
          tag,
          this.devicesOf(this.worker),
          this.devicesOf(m.from),
          `${describeTag(t)} at step ${t.step}`,
        );
      }
      if (m.from !== this.worker) for (const [, p] of m.payloads) this.stats.bytes += p.byteLength;
    }
    return all;
  }

  private waitForAll(seq: number, tag: CallTag): Promise<void> {
    if (this.complete(seq)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        const have = this.inbox.get(seq) ?? new Map();
        const missing = this.ranksOf
          .map((_, w) => w)
          .filter((w) => w !== this.worker && !have.has(w))
          .map((w) => this.devicesOf(w));
        reject(timeoutError(tag, missing, this.devicesOf(this.worker), this.timeoutMs));
      }, this.timeoutMs);
      this.waiting = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  private receive(message: Message): void {
    if ('abort' in message) {
      this.aborted = new Error(
        `aborted: ${this.devicesOf(message.from)} failed (${message.abort})`,
      );
      const w = this.waiting;
      this.waiting = null;
      w?.reject(this.aborted);
      return;
    }
    const bySender = this.inbox.get(message.seq) ?? new Map<number, CallMessage>();
    bySender.set(message.from, message);
    this.inbox.set(message.seq, bySender);
    const w = this.waiting;
    if (w && this.complete(w.seq)) {
      this.waiting = null;
      w.resolve();
    }
  }

  private complete(seq: number): boolean {
    return (this.inbox.get(seq)?.size ?? 0) === this.ports.length - 1;
  }

  private devicesOf(worker: number): string {
    return describeWorker(this.ranksOf, worker);
  }
}
