// Bench worker: echoes raw messages, then switches to a Comlink-exposed ping.
import { parentPort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';

const port = parentPort!;
const onRaw = (m: { ping?: number; comlink?: number }): void => {
  if (m.comlink) {
    port.off('message', onRaw);
    Comlink.expose({ ping: () => 1 }, nodeEndpoint(port));
    port.postMessage('ready');
    return;
  }
  port.postMessage(m);
};
port.on('message', onRaw);
