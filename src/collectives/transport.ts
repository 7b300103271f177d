import type { Collective } from './collective.ts';
import { MessagePortCollective, type PeerPort } from './message-port.ts';
import { SharedMemoryCollective, type SharedMemoryLayout } from './shared-memory.ts';

/**
 * The transport choice, made in one place: which transport workers use for a config's
 * `transport` ("auto", "shared-memory", "message-port"), and the collective each worker builds
 * from the exchange the coordinator set up. The in-process host needs none (local collectives).
 */
export type WorkerTransport = 'shared-memory' | 'message-port';
export type TransportChoice = 'auto' | WorkerTransport;

/** Shared memory wherever it exists (always in Node; in browsers only when cross-origin isolated). */
export function sharedMemoryAvailable(): boolean {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  return typeof SharedArrayBuffer !== 'undefined' && isolated !== false;
}

/** The transport `wanted` resolves to here: "auto" is shared memory where it exists. */
export function resolveTransport(wanted: TransportChoice): WorkerTransport {
  if (wanted !== 'auto') return wanted;
  return sharedMemoryAvailable() ? 'shared-memory' : 'message-port';
}

/** As resolveTransport, but shared memory asked for where it does not exist is a clear error. */
export function chooseTransport(wanted: TransportChoice): WorkerTransport {
  const transport = resolveTransport(wanted);
  if (transport === 'shared-memory' && !sharedMemoryAvailable()) {
    throw new Error(
      'transport: shared memory needs SharedArrayBuffer, which this page does not have (it must be served cross-origin isolated, with COOP/COEP headers); use transport "auto" or "message-port"',
    );
  }
  return transport;
}

/** The transport a worker's collectives use, as the coordinator set it up. */
export type Exchange =
  | { readonly kind: 'shared-memory'; readonly layout: SharedMemoryLayout }
  | {
      readonly kind: 'message-port';
      /** ports[w] reaches worker w; null for the worker itself. */
      readonly ports: readonly (PeerPort | null)[];
      readonly ranksOf: readonly (readonly number[])[];
      readonly timeoutMs: number;
    };

/** The collective worker `worker` builds from its exchange. */
export function collectiveFor(exchange: Exchange, worker: number): Collective {
  return exchange.kind === 'shared-memory'
    ? new SharedMemoryCollective(exchange.layout, worker)
    : new MessagePortCollective(worker, exchange.ports, exchange.ranksOf, exchange.timeoutMs);
}
