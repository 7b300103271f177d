/**
 * `npm run bench`: every speed figure the project claims, measured in one process so the ratios
 * compare like with like on a noisy shared machine.
 *   engine       our MLP and CNN training throughput beside TensorFlow.js (wasm SIMD and cpu)
 *   distributed  worker round trips, all-reduce latency per transport, sync/local step time,
 *                throughput at W=2 vs W=1
 *   memory       peak RSS of a headless run at 5,000 and 50,000 steps (minutes; only with
 *                `--only memory`, not in the default run)
 * `npm run bench -- --only engine` (or distributed, memory) runs one part; `--json <file>` also
 * writes the figures.
 */
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { benchDistributed } from './distributed.ts';
import { benchMemory } from './memory.ts';
import { benchGemm, benchOurs, GEMM_SHAPES } from './ours.ts';
import { benchTfjs } from './tfjs.ts';

async function benchEngine(print: (line: string) => void): Promise<Record<string, number>> {
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
    print(
      `  tfjs-cpu             ${cpu.samplesPerSec.toFixed(1).padStart(7)} samples/s   ours/cpu ${(ours.samplesPerSec / cpu.samplesPerSec).toFixed(1)}×`,
    );
  }
  return figures;
}

const program = new Command()
  .name('bench')
  .option('--only <part>', 'engine, distributed or memory')
  .option('--json <file>', 'also write the figures as JSON')
  .parse();
const opts = program.opts<{ only?: string; json?: string }>();
if (opts.only && !['engine', 'distributed', 'memory'].includes(opts.only)) {
  console.error(`--only: expected "engine", "distributed" or "memory", got "${opts.only}"`);
  process.exit(2);
}
const print = (line: string): void => console.log(line);
const figures: Record<string, number> = {};
if (!opts.only || opts.only === 'engine') {
  print('== engine: training throughput in one Node process ==');
  Object.assign(figures, await benchEngine(print));
}
if (!opts.only || opts.only === 'distributed') {
  print('\n== distributed: workers and collectives ==');
  Object.assign(figures, await benchDistributed(print));
}
if (opts.only === 'memory') {
  print('== memory: peak RSS of `sim` against the number of steps ==');
  Object.assign(figures, await benchMemory(print));
}
if (opts.json) writeFileSync(opts.json, `${JSON.stringify(figures, null, 2)}\n`);
