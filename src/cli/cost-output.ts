import type { CostResult, CostSetting, ModeCost } from '../cost/index.ts';

/** The JSON of `npm run cost -- --json`: the result's headline fields first. */
export function costJson(setting: CostSetting, r: CostResult): object {
  return {
    model: r.model,
    setting: {
      gpus: setting.gpus,
      gpusPerNode: setting.gpusPerNode,
      batchPerGpu: setting.batchPerGpu,
      fabric: setting.fabric,
      compute: setting.compute,
      algorithm: setting.algorithm ?? 'auto',
    },
    computeMs: r.computeMs,
    stepMs: r.stepMs,
    overheadPct: r.overheadPct,
    overheadMs: r.overheadMs,
    collectivesPerStep: r.collectivesPerStep,
    bytesPerRank: r.bytesPerRank,
    modes: r.modes,
    scaling: r.scaling,
  };
}

const ms = (v: number): string => (v < 10 ? v.toFixed(2) : v.toFixed(1));
const pct = (v: number): string => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;

function bytes(v: number): string {
  if (v < 1e3) return `${v} B`;
  if (v < 1e6) return `${(v / 1e3).toFixed(1)} KB`;
  if (v < 1e9) return `${(v / 1e6).toFixed(1)} MB`;
  return `${(v / 1e9).toFixed(2)} GB`;
}

/** 25,557,032 → "25.56 M"; 1,234 → "1,234". */
function count(v: number, unit = ''): string {
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)} G${unit}`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)} M${unit}`;
  return `${v.toLocaleString('en-US')}${unit ? ` ${unit}` : ''}`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function modeRow(m: ModeCost): string[] {
  const b = m.bytesPerRank;
  return [
    m.mode,
    ms(m.times.stepMs),
    ms(m.overheadMs),
    pct(m.overheadPct),
    ms(m.times.bnForwardMs),
    ms(m.times.bnBackwardMs),
    ms(m.times.exposedGradientMs),
    `${m.collectivesPerStep.bnForward}+${m.collectivesPerStep.bnBackward}+${m.collectivesPerStep.gradients}`,
    `${bytes(b.bnForward.sent + b.bnBackward.sent)} / ${bytes(b.bnForward.received + b.bnBackward.received)}`,
  ];
}

/** The tables `npm run cost` prints. */
export function costTable(setting: CostSetting, r: CostResult, labels: { gpu: string }): string {
  const m = r.model;
  const f = setting.fabric;
  const header = [
    `${m.label}: ${m.bnLayers} BN layers (${m.bnChannels} channels), ${count(m.params)} parameters, ${count(m.macsPerSample, 'MACs')} per sample`,
    `${setting.gpus} GPUs, ${setting.gpusPerNode} per node, ${setting.batchPerGpu} per GPU; inside a node ${f.intra.label} (α ${f.intra.alphaUs} µs, ${f.intra.bandwidthGBps} GB/s), between nodes ${f.inter.label} (α ${f.inter.alphaUs} µs, ${f.inter.bandwidthGBps} GB/s)`,
    'computeMs' in setting.compute
      ? `compute ${r.computeMs.toPrecision(3)} ms per step (given)`
      : `compute ${r.computeMs.toPrecision(3)} ms per step: ${labels.gpu} at ${setting.compute.efficiency} of peak`,
  ].join('\n');
  const modes = table(
    [
      'BN',
      'step ms',
      'over local ms',
      'over local',
      'BN fwd ms',
      'BN bwd ms',
      'exposed grads ms',
      'collectives fwd+bwd+grad',
      'BN bytes sent / received per rank',
    ],
    r.modes.map(modeRow),
  );
  const scaling = table(
    ['K', 'local ms', 'sync ms', 'BN per node ms', 'sync over local'],
    r.scaling.map((s) => [
      String(s.gpus),
      ms(s.localMs),
      ms(s.syncMs),
      ms(s.nodeGroupMs),
      pct(s.syncOverheadPct),
    ]),
  );
  return `${header}\n\n${modes}\n\nScaling (BN per node = group of min(GPUs per node, K)):\n${scaling}\n\nA model, not a measurement: no stragglers, contention or host syncs (README, "What SyncBN costs at scale").\n`;
}
