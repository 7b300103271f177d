import { architecture, estimateCost, fabricOf, gpuPreset, DEFAULT_EFFICIENCY } from './src/cost/index.ts';
const gpu = gpuPreset('a100');
const r = estimateCost({ model: architecture('resnet50'), gpus: 64, gpusPerNode: 8, batchPerGpu: 2, fabric: fabricOf(gpu.nodeLink, 'ib-ndr'), compute: { peakTflops: gpu.peakTflops, efficiency: DEFAULT_EFFICIENCY } });
console.log(r.computeMs, r.stepMs, r.overheadPct, r.collectivesPerStep, r.bytesPerRank);
console.log(r.modes[1]!.times);
console.log(r.scaling.map(s => [s.gpus, s.localMs.toFixed(2), s.syncMs.toFixed(2), s.nodeGroupMs.toFixed(2), s.syncOverheadPct.toFixed(0)].join(' ')).join('\n'));
