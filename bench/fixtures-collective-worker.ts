// Bench worker: times repeated all-reduces of a small vector through one transport.
import { parentPort, workerData } from 'node:worker_threads';
import type { CallTag, Collective } from '../src/collectives/collective.ts';
import { MessagePortCollective, type PeerPort } from '../src/collectives/message-port.ts';
import {
  SharedMemoryCollective,
  type SharedMemoryLayout,
} from '../src/collectives/shared-memory.ts';

interface Job {
  worker: number;
  calls: number;
  length: number;
  shared?: SharedMemoryLayout;
  ports?: (PeerPort | null)[];
  ranksOf: number[][];
}

const job = workerData.job as Job;
const collective: Collective = job.shared
  ? new SharedMemoryCollective(job.shared, job.worker)
  : new MessagePortCollective(job.worker, job.ports!, job.ranksOf, 10_000);
const local = new Map(
  job.ranksOf[job.worker]!.map((k) => [k, new Float32Array(job.length).fill(k)]),
);
const out = new Float32Array(job.length);
const tag = (step: number): CallTag => ({ step, kind: 'gradients', layer: '', layerIndex: -1 });
for (let i = 0; i < 50; i++) await collective.allReduceSum(tag(i), local, out);
const t0 = performance.now();
for (let i = 0; i < job.calls; i++) await collective.allReduceSum(tag(i), local, out);
parentPort!.postMessage({ us: ((performance.now() - t0) * 1000) / job.calls });
