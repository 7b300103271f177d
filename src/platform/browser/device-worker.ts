import * as Comlink from 'comlink';
import { DeviceWorkerApi } from './device-worker-api.ts';

Comlink.expose(new DeviceWorkerApi());
