import { msg, str } from '@lit/localize';
import {
  comparePoints,
  joined,
  percent,
  percentValue,
  quickMark,
  signedPoints,
} from './kit/words.ts';
import type { RunConfigInput } from '../config/schema.ts';
import { figure, PALETTE, type Panel } from './kit/figure.ts';
import { mnistMlp, type NormVariant, normVariantLabel, withNorm } from './kit/setups.ts';
import { round } from './kit/stats.ts';
import { meanTable, pointAt, summarize } from './kit/summary.ts';
import { config, trainRun } from './kit/training.ts';
import type { Check, Experiment, Finding } from './kit/types.ts';
import { grid } from './kit/grid.ts';

type RunningStats = 'rank0' | 'mean' | 'sync';

export interface NonIidRow {
  /** "iid", "label-sorted", "dirichlet α=0.1" */
  readonly sharding: string;
  readonly norm: NormVariant;
  /** The running-statistics policy ("-" for norms without running statistics). */
  readonly runningStats: RunningStats | '-';
  readonly seed: number;
  readonly testError: number;
}

export interface NonIidFinding extends Finding {
  /** Mean test error: configuration → sharding → error. */
  readonly testError: Record<string, Record<string, number>>;
}

const DEVICES = 8;
const DIRICHLET_ALPHA = 0.1;
const SHARDINGS: readonly { name: string; value: RunConfigInput['sharding'] }[] = [
  { name: 'iid', value: 'iid' },
  { name: `dirichlet α=${DIRICHLET_ALPHA}`, value: { dirichlet: DIRICHLET_ALPHA } },
  { name: 'label-sorted', value: 'label-sorted' },
];
/** Norms at their default running statistics (local: rank0, as DDP; SyncBN: sync)… */
const NORM_RUNS: readonly { norm: NormVariant; runningStats: RunningStats | '-' }[] = [
  { norm: 'local-bn', runningStats: 'rank0' },
  { norm: 'sync-bn', runningStats: 'sync' },
  { norm: 'group', runningStats: '-' },
  { norm: 'renorm', runningStats: 'rank0' },
  // …and local BN's other running-statistics policies.
  { norm: 'local-bn', runningStats: 'mean' },
  { norm: 'local-bn', runningStats: 'sync' },
];

const plan = (quick: boolean) => ({
  seeds: quick ? [1, 2] : [1, 2, 3],
  steps: quick ? 150 : 600,
  perDeviceBatch: 16,
});

export function configurationOf(r: Pick<NonIidRow, 'norm' | 'runningStats'>): string {
  return r.runningStats === '-' ? r.norm : `${r.norm} (${r.runningStats})`;
}

/**
 * Label-skewed shards: each device's slice of the global batch holds few classes ("label-sorted":
 * the batch sorted by label, then split; Dirichlet: each device draws classes with its own
 * Dirichlet(α) proportions). Local BN then normalizes by per-class statistics and its running
 * statistics describe one device's classes; SyncBN sees the whole batch; GroupNorm needs no batch.
 */
export const nonIid: Experiment<NonIidRow, NonIidFinding> = {
  name: 'non-iid',
  get title() {
    return msg('Label-skewed shards: local BN vs SyncBN vs GroupNorm vs Batch Renorm');
  },
  get question() {
    return msg('What happens to BatchNorm when each device holds only a few of the classes?');
  },
  get answer() {
    return msg(
      'Local BN then normalizes each device by statistics of its own few classes, which differ from the whole data’s, and its test error soars, while SyncBN, GroupNorm and Batch Renorm stay close to their i.i.d. error.',
    );
  },
  get reference() {
    return msg(
      'Ioffe 2017, §4.3 (non-i.i.d. minibatches: BN degrades, Batch Renorm recovers); Hsieh et al. 2020 (BN fails on skewed label partitions, GroupNorm does not).',
    );
  },
  seeds: (quick) => plan(quick).seeds,
  units(quick) {
    const p = plan(quick);
    return grid({ seed: p.seeds, sharding: SHARDINGS, run: NORM_RUNS }).map(
      ({ seed, sharding, run }) => ({
        key: `${sharding.name}/${configurationOf(run)}/s${seed}`,
        cost: (p.steps * (16 + p.perDeviceBatch)) / 3000,
        run: async (ctx) => {
          const base = mnistMlp(quick, {
            seed,
            perDeviceBatch: p.perDeviceBatch,
            devices: DEVICES,
            steps: p.steps,
            sharding: sharding.value,
            ...(run.runningStats === '-' ? {} : { runningStats: run.runningStats }),
          });
          const r = await trainRun(ctx, config(withNorm(base, run.norm)));
          return [{ sharding: sharding.name, ...run, seed, testError: round(1 - r.final.testAcc) }];
        },
      }),
    );
  },
  rowKey: (r) => `${r.sharding}/${configurationOf(r)}/s${r.seed}`,
  finding(rows) {
    const points = summarize(
      rows,
      configurationOf,
      (r) => SHARDINGS.findIndex((s) => s.name === r.sharding),
      (r) => r.testError,
    );
    const err = (configuration: string, sharding: string): number =>
      pointAt(
        points,
        configuration,
        SHARDINGS.findIndex((s) => s.name === sharding),
      );
    const testError = meanTable(points, shardingName);
    const skewed = SHARDINGS.slice(1).map((s) => s.name);
    const excess = (sharding: string): number =>
      round(err('local-bn (rank0)', sharding) - err('sync-bn (sync)', sharding));
    const checks: Check[] = [
      {
        id: 'local-bn-degrades-under-label-skew',
        claim: msg(
          'under each label skew, local BN’s error exceeds SyncBN’s by more than under i.i.d. shards',
        ),
        holds: skewed.every((s) => excess(s) > excess('iid')),
        measured: msg(
          str`Local BN's test error minus SyncBN's: ${joined(SHARDINGS.map((s) => withShards(signedPoints(excess(s.name)), shownSharding(s.name))))}.`,
        ),
        values: Object.fromEntries(
          SHARDINGS.map((s) => [`${s.name}: local − sync (pp)`, percentValue(excess(s.name))]),
        ),
      },
      {
        id: 'group-norm-unaffected-by-skew',
        claim: msg(
          'GroupNorm’s error under label-sorted shards is within 2 points of its i.i.d. error',
        ),
        holds: Math.abs(err('group', 'label-sorted') - err('group', 'iid')) < 0.02,
        measured: msg(
          str`${comparePoints(msg("GroupNorm's test error with label-sorted shards"), err('group', 'label-sorted'), msg('with i.i.d. shards'), err('group', 'iid'))}.`,
        ),
        values: {
          iidPercent: percentValue(err('group', 'iid')),
          labelSortedPercent: percentValue(err('group', 'label-sorted')),
        },
      },
      {
        id: 'renorm-better-than-local-bn-under-skew',
        claim: msg(
          'under label-sorted shards, Batch Renorm’s error is below local BN’s (Ioffe 2017, §4.3)',
        ),
        holds: err('renorm (rank0)', 'label-sorted') < err('local-bn (rank0)', 'label-sorted'),
        measured: msg(
          str`With label-sorted shards, ${comparePoints(msg("Batch Renorm's test error"), err('renorm (rank0)', 'label-sorted'), msg("local BN's"), err('local-bn (rank0)', 'label-sorted'))}.`,
        ),
        values: {
          renormPercent: percentValue(err('renorm (rank0)', 'label-sorted')),
          localBnPercent: percentValue(err('local-bn (rank0)', 'label-sorted')),
        },
      },
      {
        id: 'running-stats-policy-matters-under-skew',
        claim: msg(
          'under label-sorted shards, local BN evaluated with running statistics from all devices (mean or sync) beats rank 0’s',
        ),
        holds:
          Math.min(err('local-bn (mean)', 'label-sorted'), err('local-bn (sync)', 'label-sorted')) <
          err('local-bn (rank0)', 'label-sorted'),
        measured: msg(
          str`With label-sorted shards, local BN's test error is ${percent(err('local-bn (rank0)', 'label-sorted'))} with rank 0's running statistics, ${percent(err('local-bn (mean)', 'label-sorted'))} with their mean over the devices and ${percent(err('local-bn (sync)', 'label-sorted'))} with synchronized ones.`,
        ),
        values: {
          rank0Percent: percentValue(err('local-bn (rank0)', 'label-sorted')),
          meanPercent: percentValue(err('local-bn (mean)', 'label-sorted')),
          syncPercent: percentValue(err('local-bn (sync)', 'label-sorted')),
        },
      },
    ];
    return { testError, checks };
  },
  figure(result) {
    const points = summarize(
      result.rows,
      (r) => shownConfiguration(configurationOf(r)),
      (r) => SHARDINGS.findIndex((s) => s.name === r.sharding),
      (r) => 100 * r.testError,
    ).map((p) => ({ ...p, sharding: shownSharding(shardingName(p.x)) }));
    const bars = (heading: string, named: readonly string[]): Panel => {
      const configurations = named.map(shownConfiguration);
      const color = {
        field: 'series',
        type: 'nominal',
        title: msg('norm (running statistics)'),
        scale: { domain: [...configurations], range: PALETTE.slice(0, configurations.length) },
      };
      const x = {
        field: 'sharding',
        type: 'nominal',
        title: msg('sharding'),
        sort: SHARDINGS.map((s) => shownSharding(s.name)),
        axis: { labelAngle: 0 },
      };
      const xOffset = { field: 'series', type: 'nominal', sort: [...configurations] };
      return {
        title: { text: heading, fontSize: 12 },
        width: 330,
        height: 260,
        data: { values: points.filter((p) => configurations.includes(p.series)) },
        layer: [
          {
            mark: 'bar',
            encoding: {
              x,
              xOffset,
              y: { field: 'mean', type: 'quantitative', title: msg('test error (%)') },
              color,
            },
          },
          {
            mark: { type: 'errorbar', ticks: true },
            encoding: {
              x,
              xOffset,
              y: { field: 'lo', type: 'quantitative', title: msg('test error (%)') },
              y2: { field: 'hi' },
              color: { value: '#333' },
            },
          },
        ],
      };
    };
    return figure(
      {
        text: msg('Label-skewed shards over 8 devices'),
        subtitle: [
          msg(
            str`MNIST 14×14, MLP 64-64, ${plan(result.quick).perDeviceBatch} per device; mean ± std over ${result.seeds.length} seeds${quickMark(result.quick)}.`,
          ),
        ],
      },
      [
        bars(msg('(a) normalizations'), [
          'local-bn (rank0)',
          'sync-bn (sync)',
          'group',
          'renorm (rank0)',
        ]),
        bars(msg('(b) local BN: running statistics'), [
          'local-bn (rank0)',
          'local-bn (mean)',
          'local-bn (sync)',
        ]),
      ],
      { independentColors: true },
    );
  },
};

/** A sharding's name as the figure and the sentences show it (the rows keep the English). */
function shownSharding(name: string): string {
  if (name === 'iid') return msg('iid');
  if (name === 'label-sorted') return msg('label-sorted');
  if (name.startsWith('dirichlet')) return msg(str`dirichlet α=${DIRICHLET_ALPHA}`);
  return name;
}

/** "local-bn (rank0)" as the legend shows it: the norm's name in the reader's language. */
function shownConfiguration(configuration: string): string {
  const [norm, stats] = configuration.split(' (');
  const variant = norm as NormVariant;
  const label = normVariantLabel(variant);
  return stats ? msg(str`${label} (${stats.replace(')', '')})`) : label;
}

/** The sharding at a summary point's x (its index in SHARDINGS; -1 for a row of another sharding). */
function shardingName(x: number): string {
  const sharding = SHARDINGS[x];
  if (!sharding) throw new Error(`non-iid: a result row has a sharding not among the experiment's`);
  return sharding.name;
}

/** "+2.7 pp with label-sorted shards": one sharding's difference (its name as the figure's axis has it). */
function withShards(points: string, sharding: string): string {
  return msg(str`${points} with ${sharding} shards`);
}
