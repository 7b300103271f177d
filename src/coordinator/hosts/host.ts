import type { HostOperations } from '../../workers/device-protocol.ts';

/**
 * Where a run's devices live: in this thread (tests, small runs) or spread over workers. The
 * coordinator speaks only this interface; every array indexed by device has K entries in device
 * order, and every result comes back per device so the coordinator can reduce in device order.
 */
export interface DeviceHost extends HostOperations {
  readonly devices: number;
  readonly workers: number;
  readonly transport: string;
  /** DDP's start: device 0's parameters are broadcast to every replica. */
  broadcastInitialParams(): Promise<void>;
  /**
   * Release the devices. `reusable`: the run ended cleanly, so idle workers may host another run
   * (a failed run's workers may be stuck in a collective and are always ended).
   */
  close(reusable?: boolean): Promise<void>;
}

/** Devices 0..K−1 spread over W workers in consecutive blocks, the first workers taking the remainder. */
export function assignRanks(devices: number, workers: number): number[][] {
  const w = Math.max(1, Math.min(workers, devices));
  const base = Math.floor(devices / w);
  const extra = devices % w;
  const out: number[][] = [];
  let next = 0;
  for (let i = 0; i < w; i++) {
    const n = base + (i < extra ? 1 : 0);
    out.push(Array.from({ length: n }, (_, j) => next + j));
    next += n;
  }
  return out;
}
