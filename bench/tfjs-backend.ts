import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

export type TfjsBackendName = 'cpu' | 'wasm';

export interface TfjsBackendInfo {
  backend: TfjsBackendName;
  /** wasm only: the SIMD binary was chosen (it is whenever the runtime validates SIMD code). */
  simd?: boolean;
  /** wasm only: XNNPACK threads; tfjs hard-codes multithreading off in Node (tfjs issue #3830). */
  threads?: number;
}

let wasmPathsSet = false;

/**
 * Points the wasm backend at the binaries inside node_modules (no network): the package's `main`
 * resolves to dist/, which holds the plain, -simd and -threaded-simd .wasm files. tfjs then picks
 * the -simd binary itself when WASM_HAS_SIMD_SUPPORT is true, so nothing may force that flag off.
 */
function setWasmPathsOnce(): void {
  if (wasmPathsSet) return;
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(join(dist, '/'));
  wasmPathsSet = true;
}

/** Makes `name` the active tfjs backend (initializing it on first use) and says how it runs. */
export async function useTfjsBackend(name: TfjsBackendName): Promise<TfjsBackendInfo> {
  if (name === 'wasm') setWasmPathsOnce();
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`tfjs backend '${name}' failed to start`);
  if (name === 'cpu') return { backend: name };
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { backend: name, simd, threads: multithread ? getThreadsCount() : 1 };
}
