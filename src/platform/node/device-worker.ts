import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { DeviceWorkerApi } from '../../workers/device-worker-api.ts';

if (!parentPort) throw new Error('src/platform/node/device-worker.ts must run as a worker_thread');
Comlink.expose(new DeviceWorkerApi(), nodeEndpoint(parentPort));
