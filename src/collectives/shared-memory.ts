import { InPlaceKernels } from '../core/kernels/in-place-kernels.ts';
import {
  type CallTag,
  type Collective,
  type CollectiveKind,
  type CollectiveStats,
  describeTag,
  describeWorker,
  mismatchError,
  newStats,
  type ParameterShard,
  sumInOrder,
  timeoutError,
} from './collective.ts';

/** How the shared buffers of a run are laid out; made once by the coordinator, sent to every worker. */
export interface SharedMemoryLayout {
  readonly workers: number;
  readonly devices: number;
  /** For each worker, the devices it hosts. */
  readonly ranksOf: readonly (readonly number[])[];
  /** Float64 values per device in an all-gather. */
  readonly slotLength: number;
  /** Float32 values in an all-reduce vector (the parameter count). */
  readonly vectorLength: number;
  readonly timeoutMs: number;
  readonly control: SharedArrayBuffer;
  /** Two gather regions (alternating calls) of devices × slotLength float64. */
  readonly gather: SharedArrayBuffer;
  /**
   * The float32 regions below, in one shared WebAssembly memory, so each worker's SIMD kernels
   * (the device-order sum, the optimizer update) run on them in place; null where a shared
   * WebAssembly memory cannot be made (then `vectors` is a plain SharedArrayBuffer and the
   * kernels copy).
   */
  readonly memory: WebAssembly.Memory | null;
  /** The regions' buffer: `memory.buffer` when there is a memory. Offsets below are bytes in it. */
  readonly vectors: ArrayBufferLike;
  /** devices × vectorLength float32 contributions, then vectorLength float32 of result. */
  readonly reduceAt: number;
  /** The replica's parameters (vectorLength float32), shared by every worker (ZeRO-1). */
  readonly paramsAt: number;
  /** stateVectors × vectorLength float32: the optimizer's state, shared likewise. */
  readonly stateAt: number;
  readonly stateVectors: number;
  /** 32 bytes per worker for its kernels' scalars. */
  readonly scalarsAt: number;
}

/** Loads of the barrier's generation before sleeping (a few tens of microseconds). */
const SPIN = 5_000;
const COUNT = 0;
const GENERATION = 1;
const ABORTED = 2;
const ABORTED_BY = 3;
const HEADER = 4;
/** Per worker and barrier parity: sequence number, kind, layer index, step. */
const TAG_INTS = 4;
const KINDS: readonly CollectiveKind[] = [
  'moments',
  'reductions',
  'gradients',
  'buffers',
  'params',
];

export function createSharedMemoryLayout(opts: {
  ranksOf: readonly (readonly number[])[];
  devices: number;
  slotLength: number;
  vectorLength: number;
  /** The optimizer's flat state vectors (Optimizer.stateVectors); 0 when no replica is shared. */
  stateVectors?: number;
  timeoutMs: number;
}): SharedMemoryLayout {
  const workers = opts.ranksOf.length;
  const stateVectors = opts.stateVectors ?? 0;
  const vectorBytes = 16 * Math.ceil(opts.vectorLength / 4);
  const reduceAt = 0;
  const paramsAt = reduceAt + (opts.devices + 1) * vectorBytes;
  const stateAt = paramsAt + vectorBytes;
  const scalarsAt = stateAt + stateVectors * vectorBytes;
  const bytes = scalarsAt + 32 * workers;
  const memory = sharedWasmMemory(bytes);
  return {
    ...opts,
    workers,
    stateVectors,
    memory,
    vectors: memory ? memory.buffer : new SharedArrayBuffer(bytes),
    reduceAt,
    paramsAt,
    stateAt,
    scalarsAt,
    control: new SharedArrayBuffer(4 * (HEADER + 2 * workers * TAG_INTS)),
    gather: new SharedArrayBuffer(8 * 2 * opts.devices * opts.slotLength),
  };
}

/** A shared WebAssembly memory of at least `bytes`, or null where one cannot be made. */
function sharedWasmMemory(bytes: number): WebAssembly.Memory | null {
  try {
    const pages = Math.max(1, Math.ceil(bytes / 65536));
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return null;
  }
}

/**
 * Collectives over SharedArrayBuffer + Atomics, between workers (never the UI thread: it blocks in
 * Atomics.wait). Each call is one barrier for an all-gather (double-buffered by call parity, so a
 * fast worker cannot overwrite what a slow one is still reading) and two for an all-reduce (each
 * worker sums its slice of the vector over all devices in device order). Every arrival writes a
 * tag; a worker that arrives with another tag is named, and one that never arrives is named when
 * the timeout expires.
 */
export class SharedMemoryCollective implements Collective {
  readonly transport = 'shared-memory';
  readonly stats: CollectiveStats = newStats();
  private readonly ctrl: Int32Array;
  private readonly gatherViews: readonly Float64Array[];
  private readonly contributions: Float32Array;
  private readonly result: Float32Array;
  private barriers = 0;
  private gathers = 0;
  private readonly slice: readonly [number, number];
  private readonly vectors: ArrayBufferLike;
  /** SIMD kernels attached to the shared memory (in place, no copies), when there is one. */
  private readonly kernels: InPlaceKernels | null;
  /** Each device's slot in `contributions`, in device order. */
  private readonly parts: readonly Float32Array[];

  constructor(
    private readonly layout: SharedMemoryLayout,
    private readonly worker: number,
  ) {
    this.ctrl = new Int32Array(layout.control);
    const half = layout.devices * layout.slotLength;
    this.gatherViews = [
      new Float64Array(layout.gather, 0, half),
      new Float64Array(layout.gather, 8 * half, half),
    ];
    const v = layout.vectorLength;
    // Views of the memory's own buffer, which the kernels attached to it recognize.
    const vectors = layout.memory ? layout.memory.buffer : layout.vectors;
    this.vectors = vectors;
    this.contributions = new Float32Array(vectors, layout.reduceAt, layout.devices * v);
    this.result = new Float32Array(vectors, layout.reduceAt + 4 * layout.devices * v, v);
    this.kernels = layout.memory
      ? InPlaceKernels.attach(layout.memory, true, layout.scalarsAt + 32 * worker)
      : null;
    const per = Math.ceil(v / layout.workers);
    this.slice = [Math.min(v, worker * per), Math.min(v, (worker + 1) * per)];
    this.parts = Array.from({ length: layout.devices }, (_, k) =>
      this.contributions.subarray(k * v, (k + 1) * v),
    );
  }

  async allGather(
    tag: CallTag,
    local: ReadonlyMap<number, Float64Array>,
  ): Promise<readonly Float64Array[]> {
    const { slotLength, devices } = this.layout;
    const view = this.gatherViews[this.gathers++ % 2]!;
    for (const [rank, payload] of local) {
      if (payload.length > slotLength) {
        throw new Error(
          `${describeTag(tag)}: payload of ${payload.length} values exceeds the slot of ${slotLength}`,
        );
      }
      view.set(payload, rank * slotLength);
      this.stats.bytes += payload.byteLength;
    }
    this.arrive(tag);
    const all: Float64Array[] = [];
    for (let k = 0; k < devices; k++) {
      // Valid until the gather after next (the regions alternate); readers merge at once.
      // Payloads carry their own layout in a header, so the whole slot is handed over.
      const slot = view.subarray(k * slotLength, (k + 1) * slotLength);
      all.push(slot);
      this.stats.bytes += slot.byteLength;
    }
    this.stats.calls++;
    return all;
  }

  stagingFor(rank: number, length: number): Float32Array | null {
    const slot = this.parts[rank];
    return slot && length <= slot.length ? slot.subarray(0, length) : null;
  }

  shard(params: number, stateVectors: number): ParameterShard | null {
    const { vectorLength: v, stateVectors: slots } = this.layout;
    if (params > v || stateVectors !== slots) return null;
    return {
      from: Math.min(this.slice[0], params),
      to: Math.min(this.slice[1], params),
      params: new Float32Array(this.vectors, this.layout.paramsAt, params),
      state: Array.from(
        { length: slots },
        (_, i) =>
          new Float32Array(this.vectors, this.layout.stateAt + 16 * Math.ceil(v / 4) * i, params),
      ),
      gradients: this.result.subarray(0, params),
    };
  }

  async barrier(tag: CallTag): Promise<void> {
    this.arrive(tag);
    this.stats.calls++;
  }

  async allReduceSum(
    tag: CallTag,
    local: ReadonlyMap<number, Float32Array>,
    out: Float32Array,
  ): Promise<void> {
    const n = out.length;
    this.sumOwnSlice(tag, local, n);
    this.arrive(tag);
    // A shard's optimizer reads the result where it is (out is the result itself then).
    const r = this.result;
    if (out.buffer !== r.buffer || out.byteOffset !== r.byteOffset) out.set(r.subarray(0, n));
    this.stats.bytes += n * 4;
    this.stats.calls++;
  }

  async reduceScatterSum(tag: CallTag, local: ReadonlyMap<number, Float32Array>, length: number) {
    this.sumOwnSlice(tag, local, length);
    this.stats.calls++;
  }

  /**
   * Contribute the local devices' vectors, wait for everyone's, and sum this worker's slice of
   * them into the result: each element ((v₀ + v₁) + v₂) + … in device order in float64, rounded
   * once (in place on the shared memory when the kernels are attached to it).
   */
  private sumOwnSlice(tag: CallTag, local: ReadonlyMap<number, Float32Array>, n: number): void {
    const v = this.layout.vectorLength;
    if (n > v) throw new Error(`${describeTag(tag)}: vector of ${n} exceeds ${v}`);
    for (const [rank, vec] of local) {
      const slot = this.parts[rank]!;
      // A vector written in place (stagingFor) is already where the others read it.
      if (vec.buffer !== slot.buffer || vec.byteOffset !== slot.byteOffset) {
        this.contributions.set(vec.subarray(0, n), rank * v);
      }
      this.stats.bytes += n * 4;
    }
    this.arrive(tag);
    const [from, to] = [Math.min(this.slice[0], n), Math.min(this.slice[1], n)];
    const r = this.result;
    const done = this.kernels
      ? this.kernels.sumParts(
          this.parts[0]!.subarray(from),
          this.parts.length,
          v,
          to - from,
          r.subarray(from),
        )
      : 0;
    sumInOrder(this.parts, r, from + done, to);
  }

  abort(_reason: string): void {
    Atomics.store(this.ctrl, ABORTED_BY, this.worker);
    Atomics.store(this.ctrl, ABORTED, 1);
    Atomics.notify(this.ctrl, GENERATION);
  }

  /** A generation-counting barrier with a timeout, checking every worker came for the same call. */
  private arrive(tag: CallTag): void {
    const c = this.ctrl;
    const W = this.layout.workers;
    const seq = ++this.barriers;
    const parity = seq % 2;
    const mine = HEADER + (parity * W + this.worker) * TAG_INTS;
    c[mine] = seq;
    c[mine + 1] = KINDS.indexOf(tag.kind);
    c[mine + 2] = tag.layerIndex;
    c[mine + 3] = tag.step;
    const generation = Atomics.load(c, GENERATION);
    if (Atomics.add(c, COUNT, 1) === W - 1) {
      Atomics.store(c, COUNT, 0);
      Atomics.add(c, GENERATION, 1);
      Atomics.notify(c, GENERATION);
    } else {
      const t0 = performance.now();
      const deadline = t0 + this.layout.timeoutMs;
      // Spin briefly first: the others are usually microseconds away, and a worker that sleeps in
      // Atomics.wait takes far longer than that to be woken and scheduled again.
      for (let i = 0; i < SPIN && Atomics.load(c, GENERATION) === generation; i++);
      while (Atomics.load(c, GENERATION) === generation) {
        if (Atomics.load(c, ABORTED)) throw this.abortedError(tag);
        const left = deadline - performance.now();
        if (left <= 0) throw this.timeoutError(tag, seq);
        Atomics.wait(c, GENERATION, generation, left);
      }
      this.stats.waitMs += performance.now() - t0;
    }
    if (Atomics.load(c, ABORTED)) throw this.abortedError(tag);
    for (let w = 0; w < W; w++) {
      const at = HEADER + (parity * W + w) * TAG_INTS;
      if (c[at + 1] !== c[mine + 1] || c[at + 2] !== c[mine + 2] || c[at + 3] !== c[mine + 3]) {
        throw mismatchError(
          tag,
          this.devicesOf(this.worker),
          this.devicesOf(w),
          this.describeSlot(at),
        );
      }
    }
  }

  private timeoutError(tag: CallTag, seq: number): Error {
    const W = this.layout.workers;
    const parity = seq % 2;
    const missing: string[] = [];
    for (let w = 0; w < W; w++) {
      const at = HEADER + (parity * W + w) * TAG_INTS;
      if (w !== this.worker && this.ctrl[at] !== seq) missing.push(this.devicesOf(w));
    }
    return timeoutError(tag, missing, this.devicesOf(this.worker), this.layout.timeoutMs);
  }

  private abortedError(tag: CallTag): Error {
    const by = Atomics.load(this.ctrl, ABORTED_BY);
    return new Error(
      `aborted while waiting for ${describeTag(tag)} at step ${tag.step}: ${this.devicesOf(by)} failed`,
    );
  }

  private describeSlot(at: number): string {
    const kind = KINDS[this.ctrl[at + 1]!] ?? 'an unknown collective';
    const layer = this.ctrl[at + 2]!;
    return `${kind}${layer >= 0 ? ` of BN layer #${layer + 1}` : ''} at step ${this.ctrl[at + 3]}`;
  }

  private devicesOf(worker: number): string {
    return describeWorker(this.layout.ranksOf, worker);
  }
}
