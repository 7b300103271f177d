import * as Comlink from 'comlink';
import { DeviceWorkerApi } from '../../workers/device-worker-api.ts';

Comlink.expose(new DeviceWorkerApi());
