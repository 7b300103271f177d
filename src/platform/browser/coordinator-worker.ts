/**
 * The coordinator's own Web Worker: the page talks to it through Comlink and receives typed run
 * events; it starts the device workers itself, so the page's thread is never on a step's path.
 * It trains the runs of a study side by side (one `run` call each, every run with its own device
 * workers), so the digits are fetched and decoded once for all of them.
 */
import * as Comlink from 'comlink';
import type { RunConfig } from '../../config/schema.ts';
import type { RunEvent } from '../../coordinator/events.ts';
import { MNIST_FILE } from './mnist.ts';
import { browserPlatform, prepareBrowserRuns } from './platform.ts';
import { type SessionOptions, TrainingSession } from '../../coordinator/session.ts';

export interface CoordinatorApi {
  /** Runs to the end (resolves after the 'finished' or 'failed' event); several may run at once. */
  run(
    config: RunConfig,
    options: SessionOptions,
    onEvent: (event: RunEvent) => void,
  ): Promise<void>;
  /** Load the data and start the device workers of `runs` runs of `devices` ahead of them. */
  prepare(devices: number, runs?: number): Promise<void>;
  /** Pause, resume or stop every run in progress here. */
  pause(): void;
  resume(): void;
  stop(): void;
  /** Whether this context may share memory with its workers (cross-origin isolated). */
  isolation(): { crossOriginIsolated: boolean; sharedArrayBuffer: boolean };
}

const sessions = new Set<TrainingSession>();
const mnistUrl = new URL(`${import.meta.env.BASE_URL}${MNIST_FILE}`, self.location.origin).href;

const api: CoordinatorApi = {
  async run(config, options, onEvent) {
    const session = new TrainingSession(browserPlatform(mnistUrl), onEvent);
    sessions.add(session);
    try {
      await session.run(config, options);
    } finally {
      sessions.delete(session);
    }
  },
  prepare: (devices, runs = 1) => prepareBrowserRuns(mnistUrl, devices, runs),
  pause: () => {
    for (const s of sessions) s.pause();
  },
  resume: () => {
    for (const s of sessions) s.resume();
  },
  stop: () => {
    for (const s of sessions) s.stop();
  },
  isolation: () => ({
    crossOriginIsolated: self.crossOriginIsolated,
    sharedArrayBuffer: typeof SharedArrayBuffer !== 'undefined',
  }),
};

Comlink.expose(api);
