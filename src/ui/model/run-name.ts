import type { RunConfig } from '../../config/schema.ts';

/** The facts a run's name is made of, in the order they are shown. */
const FACTS = ['sync', 'batch', 'norm', 'sharding', 'lr'] as const;
type Fact = (typeof FACTS)[number];
const BATCH_STAT_NORMS: ReadonlySet<string> = new Set(['batch', 'ghost', 'renorm']);

function syncFact(c: RunConfig): string {
  // Only norms that use batch statistics are synchronized; for the others bnSync changes nothing.
  if (!BATCH_STAT_NORMS.has(c.model.norm)) return 'no BN sync';
  if (c.bnSync === 'local') return 'local BN';
  if (c.bnSync === 'sync') return 'SyncBN';
  return `GroupBN ${c.bnSync.slice('group:'.length)}`;
}

function factsOf(c: RunConfig): Record<Fact, string> {
  const sharding = c.sharding;
  return {
    sync: syncFact(c),
    batch:
      c.perDeviceBatch !== null
        ? `${c.devices}×${c.perDeviceBatch}`
        : `${c.devices} dev, batch ${c.globalBatch}`,
    norm: c.model.norm === 'none' ? 'no norm' : c.model.norm === 'batch' ? 'BN' : c.model.norm,
    sharding: typeof sharding === 'string' ? sharding : `Dirichlet α=${sharding.dirichlet}`,
    lr: `lr ${c.optimizer.lr}`,
  };
}

/**
 * A run's name stating what sets it apart from its neighbours: BN sync, devices × batch, norm,
 * sharding and learning rate, e.g. "SyncBN · 8×2 · BN · iid · lr 0.1". Two runs whose configs
 * differ in any of these get different names.
 */
export function runName(c: RunConfig): string {
  const f = factsOf(c);
  return FACTS.map((k) => f[k]).join(' · ');
}

/**
 * Names for the runs of one study: what differs between them first, then the key facts they
 * share (each fact once). One run alone gets its full name.
 */
export function studyRunNames(configs: readonly RunConfig[]): string[] {
  if (configs.length <= 1) return configs.map(runName);
  const facts = configs.map(factsOf);
  const first = facts[0] as Record<Fact, string>;
  const differs = FACTS.filter((k) => facts.some((f) => f[k] !== first[k]));
  const same = FACTS.filter((k) => !differs.includes(k));
  return facts.map((f, i) => {
    // A varied setting outside these facts (a seed, say): fall back to the position in the study.
    const own = differs.length > 0 ? differs.map((k) => f[k]) : [`#${i + 1}`];
    return [...own, ...same.map((k) => f[k])].join(' · ');
  });
}
