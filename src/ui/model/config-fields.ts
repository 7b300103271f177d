import {
  DATASETS,
  EVAL_MODES,
  GRADIENT_AVERAGING,
  NORMS,
  PRESETS,
  RUNNING_STATS,
} from '../../config/schema.ts';

/**
 * Every field of the run config as the setup form shows it: where it lives in the config, how its
 * text is read back, which group it belongs to and when it matters. One table, so the form, the
 * form ↔ config mapping and the "every field is exposed" test all read the same list.
 */

export const FIELD_GROUPS = [
  // On the first screen: the settings that decide the lesson (with what to compare and Run).
  { id: 'lesson', title: 'Devices, batch and BN statistics' },
  // The rest, under "All settings", in this order.
  { id: 'data', title: 'Data' },
  { id: 'model', title: 'Model' },
  { id: 'norm', title: 'Normalization options' },
  { id: 'running', title: 'Running statistics' },
  { id: 'devices', title: 'Batches, sharding and workers' },
  { id: 'optim', title: 'Optimizer' },
  { id: 'schedule', title: 'Training length and schedule' },
  { id: 'eval', title: 'Evaluation' },
  { id: 'advanced', title: 'Advanced' },
] as const;

export type FieldGroupId = (typeof FIELD_GROUPS)[number]['id'];

/**
 * How a field's text becomes a config value.
 * - int / number: empty means "the default" (the placeholder shows it).
 * - optional-int / optional-enum: empty means "not set" (automatic).
 * - nullable-number: empty means null.
 * - int-list / number-list: comma-separated; `emptyList` says what an empty box means.
 * - bn-sync / sharding: a choice plus a number (group size, Dirichlet α), joined into one value.
 */
export type FieldKind =
  | { readonly type: 'int' }
  | { readonly type: 'number' }
  | { readonly type: 'bool' }
  | { readonly type: 'enum'; readonly options: readonly string[] }
  | { readonly type: 'optional-int' }
  | { readonly type: 'optional-enum'; readonly options: readonly string[] }
  | { readonly type: 'nullable-number' }
  | { readonly type: 'int-list'; readonly emptyList: 'empty' | 'default' }
  | { readonly type: 'number-list'; readonly emptyList: 'omit' }
  | { readonly type: 'bn-sync' }
  | { readonly type: 'sharding' };

/** The raw values of the form: text boxes and selects hold strings, checkboxes booleans. */
export type FormValues = Record<string, string | boolean>;

export interface FieldSpec {
  /** Dotted path in the config; also the key of the field's value in FormValues. */
  readonly path: string;
  readonly group: FieldGroupId;
  readonly label: string;
  readonly kind: FieldKind;
  /** One short sentence a student understands. */
  readonly help?: string;
  /**
   * When the field has an effect. Under "All settings" the form hides it otherwise (unless it has
   * a problem, which is never hidden); see field-layout.ts.
   */
  readonly appliesWhen?: { readonly test: (v: FormValues) => boolean; readonly note: string };
  /** Text shown for an empty box. */
  readonly emptyText?: string;
  /**
   * Stops of a slider beside the box (a pointer shortcut; the box stays the labelled control
   * for the keyboard and screen readers, and takes any value).
   */
  readonly sliderStops?: readonly number[];
}

const is =
  (path: string, ...values: string[]) =>
  (v: FormValues): boolean =>
    values.includes(String(v[path]));

const BATCH_STAT_NORMS = ['batch', 'ghost', 'renorm'];
/** Norms with a normalization layer of their own (eps, γ and β); weight and spectral norm reparametrize the weights instead. */
const LAYER_NORMS = [...BATCH_STAT_NORMS, 'group', 'layer', 'instance'];
const hasNormLayer = is('model.norm', ...LAYER_NORMS);
const usesBatchStats = is('model.norm', ...BATCH_STAT_NORMS);
const keepsRunningStats = (v: FormValues): boolean =>
  usesBatchStats(v) && v['model.normOptions.trackRunningStats'] !== false;
const isMnist = is('dataset.name', 'mnist');
const isSynthetic = (v: FormValues): boolean => !isMnist(v);

export const FIELDS: readonly FieldSpec[] = [
  // Data
  {
    path: 'dataset.name',
    group: 'data',
    label: 'Dataset',
    kind: { type: 'enum', options: DATASETS },
    help: 'MNIST digits or a 2-D toy set drawn from the seed.',
  },
  { path: 'dataset.train', group: 'data', label: 'Training examples', kind: { type: 'int' } },
  { path: 'dataset.test', group: 'data', label: 'Test examples', kind: { type: 'int' } },
  {
    path: 'dataset.downsample',
    group: 'data',
    label: 'Downsample MNIST to 14×14',
    kind: { type: 'bool' },
    appliesWhen: { test: isMnist, note: 'MNIST only' },
  },
  {
    path: 'dataset.noise',
    group: 'data',
    label: 'Noise',
    kind: { type: 'number' },
    appliesWhen: { test: isSynthetic, note: '2-D sets only' },
  },
  {
    path: 'dataset.featureScale',
    group: 'data',
    label: 'Feature scale (per feature, comma-separated)',
    kind: { type: 'number-list', emptyList: 'omit' },
    help: 'Stretches the inputs, e.g. "1, 100": the error surface gets badly conditioned.',
    emptyText: 'none',
    appliesWhen: { test: isSynthetic, note: '2-D sets only' },
  },
  {
    path: 'dataset.standardize',
    group: 'data',
    label: 'Standardize features',
    kind: { type: 'bool' },
  },
  {
    path: 'dataset.classes',
    group: 'data',
    label: 'Classes',
    kind: { type: 'int' },
    appliesWhen: { test: is('dataset.name', 'spiral', 'blobs'), note: 'spiral and blobs only' },
  },
  // Model
  {
    path: 'model.preset',
    group: 'model',
    label: 'Network',
    kind: { type: 'enum', options: PRESETS },
    help: 'mlp: dense layers; cnn: two conv blocks (MNIST); bn-paper-mlp: the BN paper’s 3×100 sigmoid net.',
  },
  {
    path: 'model.hidden',
    group: 'model',
    label: 'Hidden widths (comma-separated)',
    kind: { type: 'int-list', emptyList: 'empty' },
    emptyText: 'no hidden layer',
    appliesWhen: { test: is('model.preset', 'mlp'), note: 'mlp only' },
  },
  {
    path: 'model.activation',
    group: 'model',
    label: 'Activation',
    kind: { type: 'enum', options: ['relu', 'sigmoid', 'tanh'] },
    appliesWhen: { test: (v) => !is('model.preset', 'bn-paper-mlp')(v), note: 'not bn-paper-mlp' },
  },
  {
    path: 'model.norm',
    group: 'model',
    label: 'Normalization',
    kind: { type: 'enum', options: NORMS },
    help: 'batch, ghost and renorm use batch statistics (and can be synchronized); the others do not.',
  },
  {
    path: 'model.channels',
    group: 'model',
    label: 'Conv channels (two, comma-separated)',
    kind: { type: 'int-list', emptyList: 'default' },
    appliesWhen: { test: is('model.preset', 'cnn'), note: 'cnn only' },
  },
  // Norm options
  {
    path: 'model.normOptions.eps',
    group: 'norm',
    label: 'ε (added to the variance)',
    kind: { type: 'number' },
    appliesWhen: { test: hasNormLayer, note: 'norms with a layer of their own only' },
  },
  {
    path: 'model.normOptions.momentum',
    group: 'running',
    label: 'Running-statistics momentum',
    kind: { type: 'nullable-number' },
    help: 'running = (1 − m)·running + m·batch. Empty: cumulative average.',
    emptyText: 'cumulative average',
    appliesWhen: {
      test: keepsRunningStats,
      note: 'batch, ghost and renorm with running statistics tracked only',
    },
  },
  {
    path: 'model.normOptions.affine',
    group: 'norm',
    label: 'Learnable scale and shift (γ, β)',
    kind: { type: 'bool' },
    appliesWhen: { test: hasNormLayer, note: 'norms with a layer of their own only' },
  },
  {
    path: 'model.normOptions.trackRunningStats',
    group: 'running',
    label: 'Track running statistics',
    kind: { type: 'bool' },
    help: 'Off: evaluation normalizes each test batch by itself.',
    appliesWhen: { test: usesBatchStats, note: 'batch, ghost and renorm only' },
  },
  {
    path: 'model.normOptions.virtualBatch',
    group: 'norm',
    label: 'Ghost BN virtual batch',
    kind: { type: 'int' },
    appliesWhen: { test: is('model.norm', 'ghost'), note: 'ghost norm only' },
  },
  {
    path: 'model.normOptions.groups',
    group: 'norm',
    label: 'GroupNorm groups',
    kind: { type: 'int' },
    appliesWhen: { test: is('model.norm', 'group'), note: 'group norm only' },
  },
  ...(['rmax', 'dmax', 'renormWarmup', 'renormRamp'] as const).map(
    (key): FieldSpec => ({
      path: `model.normOptions.${key}`,
      group: 'norm',
      label: {
        rmax: 'Renorm r max',
        dmax: 'Renorm d max',
        renormWarmup: 'Renorm warm-up steps',
        renormRamp: 'Renorm ramp steps',
      }[key],
      kind: { type: key === 'rmax' || key === 'dmax' ? 'number' : 'int' },
      appliesWhen: { test: is('model.norm', 'renorm'), note: 'renorm only' },
    }),
  ),
  // Devices & BN sync
  {
    path: 'devices',
    group: 'lesson',
    label: 'Devices (K)',
    kind: { type: 'int' },
    help: 'Simulated GPUs, each with a slice of every batch.',
  },
  {
    path: 'perDeviceBatch',
    group: 'lesson',
    label: 'Per-device batch',
    kind: { type: 'optional-int' },
    help: 'The smaller, the noisier each device’s statistics.',
    emptyText: 'use the global batch',
    sliderStops: [1, 2, 4, 8, 16, 32, 64],
  },
  {
    path: 'globalBatch',
    group: 'devices',
    label: 'Global batch (instead of per-device)',
    kind: { type: 'optional-int' },
    emptyText: 'devices × per-device batch',
  },
  {
    path: 'gradientAveraging',
    group: 'devices',
    label: 'Gradient averaging',
    kind: { type: 'enum', options: GRADIENT_AVERAGING },
    help: 'ddp: each device averages its own loss, gradients are averaged over devices (PyTorch DDP); global: the mean loss of the whole batch, as one big device. Differ only when the global batch does not split evenly.',
  },
  {
    path: 'bnSync',
    group: 'lesson',
    label: 'BN statistics',
    kind: { type: 'bn-sync' },
    help: 'What each device normalizes with: its own slice (plain DDP), all devices’ (SyncBN) or its group’s.',
    appliesWhen: { test: usesBatchStats, note: 'batch, ghost and renorm only' },
  },
  {
    path: 'runningStats',
    group: 'running',
    label: 'Running statistics from',
    kind: { type: 'optional-enum', options: RUNNING_STATS },
    help: 'rank0: device 0’s (DDP’s broadcast_buffers); mean: averaged; sync: the global batch.',
    emptyText: 'automatic (sync when synchronized, else rank0)',
    appliesWhen: {
      test: keepsRunningStats,
      note: 'batch, ghost and renorm with running statistics tracked only',
    },
  },
  {
    path: 'sharding',
    group: 'devices',
    label: 'How data is split over devices',
    kind: { type: 'sharding' },
    help: 'label-sorted and Dirichlet give each device a skewed mix of classes (non-IID).',
  },
  {
    path: 'workers',
    group: 'devices',
    label: 'Workers hosting the devices',
    kind: { type: 'optional-int' },
    emptyText: 'automatic (one per core, less one for the page)',
    help: 'Never changes the numbers, only the speed. Left empty, the page keeps a core for itself so it stays responsive.',
  },
  // Optimizer & schedule
  {
    path: 'optimizer.name',
    group: 'optim',
    label: 'Optimizer',
    kind: { type: 'enum', options: ['sgd', 'adam', 'adamw'] },
  },
  { path: 'optimizer.lr', group: 'optim', label: 'Learning rate', kind: { type: 'number' } },
  {
    path: 'optimizer.momentum',
    group: 'optim',
    label: 'SGD momentum',
    kind: { type: 'number' },
    appliesWhen: { test: is('optimizer.name', 'sgd'), note: 'SGD only' },
  },
  {
    path: 'optimizer.nesterov',
    group: 'optim',
    label: 'Nesterov momentum',
    kind: { type: 'bool' },
    appliesWhen: { test: is('optimizer.name', 'sgd'), note: 'SGD only' },
  },
  {
    path: 'optimizer.weightDecay',
    group: 'optim',
    label: 'Weight decay',
    kind: { type: 'number' },
  },
  ...(['beta1', 'beta2', 'eps'] as const).map(
    (key): FieldSpec => ({
      path: `optimizer.${key}`,
      group: 'optim',
      label: { beta1: 'Adam β₁', beta2: 'Adam β₂', eps: 'Adam ε' }[key],
      kind: { type: 'number' },
      appliesWhen: { test: is('optimizer.name', 'adam', 'adamw'), note: 'Adam and AdamW only' },
    }),
  ),
  { path: 'steps', group: 'schedule', label: 'Training steps', kind: { type: 'int' } },
  {
    path: 'schedule.name',
    group: 'schedule',
    label: 'Learning-rate schedule',
    kind: { type: 'enum', options: ['constant', 'step', 'cosine'] },
  },
  {
    path: 'schedule.warmupSteps',
    group: 'schedule',
    label: 'Warm-up steps',
    kind: { type: 'int' },
    help: 'Linear warm-up from 0 to the learning rate.',
  },
  {
    path: 'schedule.stepSize',
    group: 'schedule',
    label: 'Step schedule: every … steps',
    kind: { type: 'int' },
    appliesWhen: { test: is('schedule.name', 'step'), note: 'step schedule only' },
  },
  {
    path: 'schedule.gamma',
    group: 'schedule',
    label: 'Step schedule: multiply by',
    kind: { type: 'number' },
    appliesWhen: { test: is('schedule.name', 'step'), note: 'step schedule only' },
  },
  {
    path: 'schedule.minLr',
    group: 'schedule',
    label: 'Cosine: final learning rate',
    kind: { type: 'number' },
    appliesWhen: { test: is('schedule.name', 'cosine'), note: 'cosine schedule only' },
  },
  // Evaluation
  { path: 'evalEvery', group: 'eval', label: 'Evaluate every … steps', kind: { type: 'int' } },
  {
    path: 'evalMode',
    group: 'eval',
    label: 'BN statistics at test time',
    kind: { type: 'enum', options: EVAL_MODES },
    help: 'running: the running averages; batch: each test batch by itself; precise: recomputed (PreciseBN).',
  },
  {
    path: 'preciseSamples',
    group: 'eval',
    label: 'PreciseBN samples',
    kind: { type: 'optional-int' },
    emptyText: '1024, or all training examples if fewer',
    appliesWhen: { test: is('evalMode', 'precise'), note: 'precise evaluation only' },
  },
  {
    path: 'evalBatch',
    group: 'eval',
    label: 'Test batch size',
    kind: { type: 'optional-int' },
    emptyText: 'the per-device batch',
    appliesWhen: { test: is('evalMode', 'batch'), note: 'batch evaluation only' },
  },
  // Advanced
  {
    path: 'seed',
    group: 'advanced',
    label: 'Seed',
    kind: { type: 'int' },
    help: 'Same config and seed, same numbers.',
  },
  {
    path: 'transport',
    group: 'advanced',
    label: 'Transport between workers',
    kind: { type: 'enum', options: ['auto', 'shared-memory', 'message-port'] },
  },
  {
    path: 'collectiveTimeoutMs',
    group: 'advanced',
    label: 'Collective timeout (ms)',
    kind: { type: 'int' },
  },
  {
    path: 'checksumEvery',
    group: 'advanced',
    label: 'Compare replica checksums every … steps',
    kind: { type: 'int' },
  },
  {
    path: 'telemetryEvery',
    group: 'advanced',
    label: 'Record device statistics every … steps',
    kind: { type: 'int' },
  },
];

/** Companion values of the two composite fields (not config paths of their own). */
export const BN_SYNC_GROUP_KEY = 'bnSync:group';
export const SHARDING_ALPHA_KEY = 'sharding:alpha';

export function fieldByPath(path: string): FieldSpec | undefined {
  return FIELDS.find((f) => f.path === path);
}

/** The field a config path (possibly deeper, e.g. "model.hidden.1") belongs to. */
export function fieldForPath(path: string): FieldSpec | undefined {
  let best: FieldSpec | undefined;
  for (const f of FIELDS) {
    if (
      (path === f.path || path.startsWith(`${f.path}.`)) &&
      (!best || f.path.length > best.path.length)
    )
      best = f;
  }
  return best;
}
