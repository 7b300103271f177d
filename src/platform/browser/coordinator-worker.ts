/**
 * The coordinator's own Web Worker: the page talks to it through Comlink and receives typed run
 * events; it starts the device workers itself, so the page's thread is never on a step's path.
 */
import * as Comlink from 'comlink';
import type { RunConfig } from '../../config/schema.ts';
import type { RunEvent } from '../../coordinator/events.ts';
import { MNIST_FILE } from './mnist.ts';
import { browserPlatform, prepareBrowserRuns } from './platform.ts';
import { type SessionOptions, TrainingSession } from '../../coordinator/session.ts';

export interface CoordinatorApi {
  /** Runs to the end (resolves after the 'finished' or 'failed' event). */
  run(
    config: RunConfig,
    options: SessionOptions,
    onEvent: (event: RunEvent) => void,
  ): Promise<void>;
  /** Load the data and start the device workers of a run of `devices` ahead of it. */
  prepare(devices: number): Promise<void>;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Whether this context may share memory with its workers (cross-origin isolated). */
  isolation(): { crossOriginIsolated: boolean; sharedArrayBuffer: boolean };
}

let session: TrainingSession | null = null;
const mnistUrl = new URL(`${import.meta.env.BASE_URL}${MNIST_FILE}`, self.location.origin).href;

const api: CoordinatorApi = {
  async run(config, options, onEvent) {
    if (session) throw new Error('a run is already in progress in this coordinator');
    session = new TrainingSession(browserPlatform(mnistUrl), onEvent);
    try {
      await session.run(config, options);
    } finally {
      session = null;
    }
  },
  prepare: (devices) => prepareBrowserRuns(mnistUrl, devices),
  pause: () => session?.pause(),
  resume: () => session?.resume(),
  stop: () => session?.stop(),
  isolation: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
  }),
};

Comlink.expose(api);
