/**
 * `npm run bench`: every speed figure the project claims, measured in one process so the ratios
 * compare like with like on a noisy shared machine.
 *   engine       our MLP and CNN training throughput beside TensorFlow.js (wasm SIMD and cpu)
 *   distributed  worker round trips, all-reduce latency per transport, sync/local step time,
 *                throughput at W=2 vs W=1
 *   devices      ms per step against the number of devices K at a fixed global batch, local and
 *                sync BN, W = 1 and 2, beside PyTorch's shard loop when torch imports
 *   memory       peak RSS of a headless run at 5,000 and 50,000 steps (minutes; only when named)
 *   experiments  wall time of the seven named experiments in --quick mode (only when named)
 * `npm run bench -- devices` (or `--only devices`; several parts may be named) runs those parts;
 * `--json <file>` also writes the figures. Every target measured is printed at the end with
 * pass/miss.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { benchDevices } from './devices.ts';
import { benchDistributed } from './distributed.ts';
import { benchExperiments } from './experiments.ts';
import { benchMemory } from './memory.ts';
import { benchGemm, benchOurs, GEMM_SHAPES } from './ours.ts';
import { printTargets, type Target } from './targets.ts';
import { benchTfjs } from './tfjs.ts';

async function benchEngine(
  print: (line: string) => void,
  targets: Target[],
): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  for (const s of GEMM_SHAPES.slice(0, 3)) {
    const g = benchGemm(s, 0.5);
    figures[`gemm ${s.label}`] = g;
    print(`GEMM ${s.variant} ${s.m}×${s.n}×${s.k} (${s.label.trim()}): ${g.toFixed(1)} GFLOP/s`);
  }
  // Interleave ours and tfjs per model so both see the same machine load.
  for (const [model, batch] of [
    ['mlp', 64],
    ['cnn', 32],
  ] as const) {
    const ours = benchOurs({ model, batch, seconds: 4 });
    const wasm = await benchTfjs({ backend: 'wasm', model, batch, seconds: 4 });
    const cpu = await benchTfjs({
      backend: 'cpu',
      model,
      batch,
      seconds: model === 'mlp' ? 3 : 0,
      warmupSteps: model === 'mlp' ? 2 : 1,
    });
    figures[`${model} ours`] = ours.samplesPerSec;
    figures[`${model} tfjs-wasm`] = wasm.samplesPerSec;
    figures[`${model} tfjs-cpu`] = cpu.samplesPerSec;
    const name =
      model === 'mlp'
        ? 'MLP 784-256-BN-ReLU-256-BN-ReLU-10, batch 64'
        : 'CNN conv16-BN-pool conv32-BN-pool fc10, batch 32';
    print(`${name}:`);
    print(`  syncbn-lab (${ours.gemm})   ${ours.samplesPerSec.toFixed(0).padStart(7)} samples/s`);
    print(
      `  tfjs-wasm (simd ${wasm.simd}, ${wasm.threads ?? 1} thread) ${wasm.samplesPerSec.toFixed(0).padStart(7)} samples/s   ours/wasm ${(ours.samplesPerSec / wasm.samplesPerSec).toFixed(2)}× (target ≥ 2)`,
    );
    const overWasm = ours.samplesPerSec / wasm.samplesPerSec;
    targets.push({
      name: `${model.toUpperCase()} ours / tfjs-wasm`,
      value: overWasm,
      text: `${ours.samplesPerSec.toFixed(0)} / ${wasm.samplesPerSec.toFixed(0)} samples/s = ${overWasm.toFixed(2)}×`,
      target: '≥ 2',
      met: overWasm >= 2,
    });
    print(
      `  tfjs-cpu             ${cpu.samplesPerSec.toFixed(1).padStart(7)} samples/s   ours/cpu ${(ours.samplesPerSec / cpu.samplesPerSec).toFixed(1)}×`,
    );
  }
  return figures;
}

const PARTS = ['engine', 'distributed', 'devices', 'memory', 'experiments'] as const;
type Part = (typeof PARTS)[number];
/** What runs when no part is named: memory and experiments take minutes and run only by name. */
const DEFAULT_PARTS: readonly Part[] = ['engine', 'distributed', 'devices'];

const program = new Command()
  .name('bench')
  .argument('[parts...]', `any of ${PARTS.join(', ')} (default: ${DEFAULT_PARTS.join(', ')})`)
  .option('--only <part>', 'one part (the same as naming it)')
  .option('--json <file>', 'also write the figures as JSON')
  .parse();
const opts = program.opts<{ only?: string; json?: string }>();
const named = [...program.args, ...(opts.only ? [opts.only] : [])];
const unknown = named.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length) {
  console.error(`bench: unknown part "${unknown[0]}"; expected any of ${PARTS.join(', ')}`);
  process.exit(2);
}
const parts = new Set<string>(named.length ? named : DEFAULT_PARTS);
const print = (line: string): void => console.log(line);
const figures: Record<string, number> = {};
const targets: Target[] = [];
if (parts.has('engine')) {
  print('== engine: training throughput in one Node process ==');
  Object.assign(figures, await benchEngine(print, targets));
}
if (parts.has('distributed')) {
  print('\n== distributed: workers and collectives ==');
  Object.assign(figures, await benchDistributed(print, targets));
}
if (parts.has('devices')) {
  print('\n== devices: ms per step against K at a fixed global batch ==');
  Object.assign(figures, await benchDevices(print, targets));
}
if (parts.has('memory')) {
  print('\n== memory: peak RSS of `sim` against the number of steps ==');
  Object.assign(figures, await benchMemory(print));
}
if (parts.has('experiments')) {
  print('\n== experiments: the seven named experiments, --quick, wall time ==');
  Object.assign(figures, await benchExperiments(print));
}
printTargets(targets, print);
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(figures, null, 2)}\n`);
