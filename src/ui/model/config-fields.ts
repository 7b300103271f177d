import { msg } from '@lit/localize';
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
  {
    id: 'lesson',
    get title() {
      return msg('Devices, batch and BN statistics');
    },
  },
  // The rest, under "All settings", in this order.
  {
    id: 'data',
    get title() {
      return msg('Data');
    },
  },
  {
    id: 'model',
    get title() {
      return msg('Model');
    },
  },
  {
    id: 'norm',
    get title() {
      return msg('Normalization options');
    },
  },
  {
    id: 'running',
    get title() {
      return msg('Running statistics');
    },
  },
  {
    id: 'devices',
    get title() {
      return msg('Batches, sharding and workers');
    },
  },
  {
    id: 'optim',
    get title() {
      return msg('Optimizer');
    },
  },
  {
    id: 'schedule',
    get title() {
      return msg('Training length and schedule');
    },
  },
  {
    id: 'eval',
    get title() {
      return msg('Evaluation');
    },
  },
  {
    id: 'advanced',
    get title() {
      return msg('Advanced');
    },
  },
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
    get label() {
      return msg('Dataset');
    },
    kind: { type: 'enum', options: DATASETS },
    get help() {
      return msg('MNIST digits or a 2-D toy set drawn from the seed.');
    },
  },
  {
    path: 'dataset.train',
    group: 'data',
    get label() {
      return msg('Training examples');
    },
    kind: { type: 'int' },
  },
  {
    path: 'dataset.test',
    group: 'data',
    get label() {
      return msg('Test examples');
    },
    kind: { type: 'int' },
  },
  {
    path: 'dataset.downsample',
    group: 'data',
    get label() {
      return msg('Downsample MNIST to 14×14');
    },
    kind: { type: 'bool' },
    appliesWhen: {
      test: isMnist,
      get note() {
        return msg('MNIST only');
      },
    },
  },
  {
    path: 'dataset.noise',
    group: 'data',
    get label() {
      return msg('Noise');
    },
    kind: { type: 'number' },
    appliesWhen: {
      test: isSynthetic,
      get note() {
        return msg('2-D sets only');
      },
    },
  },
  {
    path: 'dataset.featureScale',
    group: 'data',
    get label() {
      return msg('Feature scale (per feature, comma-separated)');
    },
    kind: { type: 'number-list', emptyList: 'omit' },
    get help() {
      return msg('Stretches the inputs, e.g. "1, 100": the error surface gets badly conditioned.');
    },
    get emptyText() {
      return msg('none');
    },
    appliesWhen: {
      test: isSynthetic,
      get note() {
        return msg('2-D sets only');
      },
    },
  },
  {
    path: 'dataset.standardize',
    group: 'data',
    get label() {
      return msg('Standardize features');
    },
    kind: { type: 'bool' },
  },
  {
    path: 'dataset.classes',
    group: 'data',
    get label() {
      return msg('Classes');
    },
    kind: { type: 'int' },
    appliesWhen: {
      test: is('dataset.name', 'spiral', 'blobs'),
      get note() {
        return msg('spiral and blobs only');
      },
    },
  },
  // Model
  {
    path: 'model.preset',
    group: 'model',
    get label() {
      return msg('Network');
    },
    kind: { type: 'enum', options: PRESETS },
    get help() {
      return msg(
        'mlp: dense layers; cnn: two conv blocks (MNIST); bn-paper-mlp: the BN paper’s 3×100 sigmoid net.',
      );
    },
  },
  {
    path: 'model.hidden',
    group: 'model',
    get label() {
      return msg('Hidden widths (comma-separated)');
    },
    kind: { type: 'int-list', emptyList: 'empty' },
    get emptyText() {
      return msg('no hidden layer');
    },
    appliesWhen: {
      test: is('model.preset', 'mlp'),
      get note() {
        return msg('mlp only');
      },
    },
  },
  {
    path: 'model.activation',
    group: 'model',
    get label() {
      return msg('Activation');
    },
    kind: { type: 'enum', options: ['relu', 'sigmoid', 'tanh'] },
    appliesWhen: {
      test: (v) => !is('model.preset', 'bn-paper-mlp')(v),
      get note() {
        return msg('not bn-paper-mlp');
      },
    },
  },
  {
    path: 'model.norm',
    group: 'model',
    get label() {
      return msg('Normalization');
    },
    kind: { type: 'enum', options: NORMS },
    get help() {
      return msg(
        'batch, ghost and renorm use batch statistics (and can be synchronized); the others do not.',
      );
    },
  },
  {
    path: 'model.channels',
    group: 'model',
    get label() {
      return msg('Conv channels (two, comma-separated)');
    },
    kind: { type: 'int-list', emptyList: 'default' },
    appliesWhen: {
      test: is('model.preset', 'cnn'),
      get note() {
        return msg('cnn only');
      },
    },
  },
  // Norm options
  {
    path: 'model.normOptions.eps',
    group: 'norm',
    get label() {
      return msg('ε (added to the variance)');
    },
    kind: { type: 'number' },
    appliesWhen: {
      test: hasNormLayer,
      get note() {
        return msg('norms with a layer of their own only');
      },
    },
  },
  {
    path: 'model.normOptions.momentum',
    group: 'running',
    get label() {
      return msg('Running-statistics momentum');
    },
    kind: { type: 'nullable-number' },
    get help() {
      return msg('running = (1 − m)·running + m·batch. Empty: cumulative average.');
    },
    get emptyText() {
      return msg('cumulative average');
    },
    appliesWhen: {
      test: keepsRunningStats,
      get note() {
        return msg('batch, ghost and renorm with running statistics tracked only');
      },
    },
  },
  {
    path: 'model.normOptions.affine',
    group: 'norm',
    get label() {
      return msg('Learnable scale and shift (γ, β)');
    },
    kind: { type: 'bool' },
    appliesWhen: {
      test: hasNormLayer,
      get note() {
        return msg('norms with a layer of their own only');
      },
    },
  },
  {
    path: 'model.normOptions.trackRunningStats',
    group: 'running',
    get label() {
      return msg('Track running statistics');
    },
    kind: { type: 'bool' },
    get help() {
      return msg('Off: evaluation normalizes each test batch by itself.');
    },
    appliesWhen: {
      test: usesBatchStats,
      get note() {
        return msg('batch, ghost and renorm only');
      },
    },
  },
  {
    path: 'model.normOptions.virtualBatch',
    group: 'norm',
    get label() {
      return msg('Ghost BN virtual batch');
    },
    kind: { type: 'int' },
    appliesWhen: {
      test: is('model.norm', 'ghost'),
      get note() {
        return msg('ghost norm only');
      },
    },
  },
  {
    path: 'model.normOptions.groups',
    group: 'norm',
    get label() {
      return msg('GroupNorm groups');
    },
    kind: { type: 'int' },
    appliesWhen: {
      test: is('model.norm', 'group'),
      get note() {
        return msg('group norm only');
      },
    },
  },
  ...(['rmax', 'dmax', 'renormWarmup', 'renormRamp'] as const).map(
    (key): FieldSpec => ({
      path: `model.normOptions.${key}`,
      group: 'norm',
      get label() {
        return {
          rmax: msg('Renorm r max'),
          dmax: msg('Renorm d max'),
          renormWarmup: msg('Renorm warm-up steps'),
          renormRamp: msg('Renorm ramp steps'),
        }[key];
      },
      kind: { type: key === 'rmax' || key === 'dmax' ? 'number' : 'int' },
      appliesWhen: {
        test: is('model.norm', 'renorm'),
        get note() {
          return msg('renorm only');
        },
      },
    }),
  ),
  // Devices & BN sync
  {
    path: 'devices',
    group: 'lesson',
    get label() {
      return msg('Devices (K)');
    },
    kind: { type: 'int' },
    get help() {
      return msg('Simulated GPUs, each with a slice of every batch.');
    },
  },
  {
    path: 'perDeviceBatch',
    group: 'lesson',
    get label() {
      return msg('Per-device batch');
    },
    kind: { type: 'optional-int' },
    get help() {
      return msg('The smaller, the noisier each device’s statistics.');
    },
    get emptyText() {
      return msg('use the global batch');
    },
    sliderStops: [1, 2, 4, 8, 16, 32, 64],
  },
  {
    path: 'globalBatch',
    group: 'devices',
    get label() {
      return msg('Global batch (instead of per-device)');
    },
    kind: { type: 'optional-int' },
    get emptyText() {
      return msg('devices × per-device batch');
    },
  },
  {
    path: 'gradientAveraging',
    group: 'devices',
    get label() {
      return msg('Gradient averaging');
    },
    kind: { type: 'enum', options: GRADIENT_AVERAGING },
    get help() {
      return msg(
        'ddp: each device averages its own loss, gradients are averaged over devices (PyTorch DDP); global: the mean loss of the whole batch, as one big device. Differ only when the global batch does not split evenly.',
      );
    },
  },
  {
    path: 'bnSync',
    group: 'lesson',
    get label() {
      return msg('BN statistics');
    },
    kind: { type: 'bn-sync' },
    get help() {
      return msg(
        'What each device normalizes with: its own slice (plain DDP), all devices’ (SyncBN) or its group’s.',
      );
    },
    appliesWhen: {
      test: usesBatchStats,
      get note() {
        return msg('batch, ghost and renorm only');
      },
    },
  },
  {
    path: 'runningStats',
    group: 'running',
    get label() {
      return msg('Running statistics from');
    },
    kind: { type: 'optional-enum', options: RUNNING_STATS },
    get help() {
      return msg(
        'rank0: device 0’s (DDP’s broadcast_buffers); mean: averaged; sync: the global batch.',
      );
    },
    get emptyText() {
      return msg('automatic (sync when synchronized, else rank0)');
    },
    appliesWhen: {
      test: keepsRunningStats,
      get note() {
        return msg('batch, ghost and renorm with running statistics tracked only');
      },
    },
  },
  {
    path: 'sharding',
    group: 'devices',
    get label() {
      return msg('How data is split over devices');
    },
    kind: { type: 'sharding' },
    get help() {
      return msg('label-sorted and Dirichlet give each device a skewed mix of classes (non-IID).');
    },
  },
  {
    path: 'workers',
    group: 'devices',
    get label() {
      return msg('Workers hosting the devices');
    },
    kind: { type: 'optional-int' },
    get emptyText() {
      return msg('automatic (one per core, less one for the page)');
    },
    get help() {
      return msg(
        'Never changes the numbers, only the speed. Left empty, the page keeps a core for itself so it stays responsive.',
      );
    },
  },
  // Optimizer & schedule
  {
    path: 'optimizer.name',
    group: 'optim',
    get label() {
      return msg('Optimizer');
    },
    kind: { type: 'enum', options: ['sgd', 'adam', 'adamw'] },
  },
  {
    path: 'optimizer.lr',
    group: 'optim',
    get label() {
      return msg('Learning rate');
    },
    kind: { type: 'number' },
  },
  {
    path: 'optimizer.momentum',
    group: 'optim',
    get label() {
      return msg('SGD momentum');
    },
    kind: { type: 'number' },
    appliesWhen: {
      test: is('optimizer.name', 'sgd'),
      get note() {
        return msg('SGD only');
      },
    },
  },
  {
    path: 'optimizer.nesterov',
    group: 'optim',
    get label() {
      return msg('Nesterov momentum');
    },
    kind: { type: 'bool' },
    appliesWhen: {
      test: is('optimizer.name', 'sgd'),
      get note() {
        return msg('SGD only');
      },
    },
  },
  {
    path: 'optimizer.weightDecay',
    group: 'optim',
    get label() {
      return msg('Weight decay');
    },
    kind: { type: 'number' },
  },
  ...(['beta1', 'beta2', 'eps'] as const).map(
    (key): FieldSpec => ({
      path: `optimizer.${key}`,
      group: 'optim',
      // Names of Adam's hyperparameters, the same in every language.
      label: { beta1: 'Adam β₁', beta2: 'Adam β₂', eps: 'Adam ε' }[key],
      kind: { type: 'number' },
      appliesWhen: {
        test: is('optimizer.name', 'adam', 'adamw'),
        get note() {
          return msg('Adam and AdamW only');
        },
      },
    }),
  ),
  {
    path: 'steps',
    group: 'schedule',
    get label() {
      return msg('Training steps');
    },
    kind: { type: 'int' },
  },
  {
    path: 'schedule.name',
    group: 'schedule',
    get label() {
      return msg('Learning-rate schedule');
    },
    kind: { type: 'enum', options: ['constant', 'step', 'cosine'] },
  },
  {
    path: 'schedule.warmupSteps',
    group: 'schedule',
    get label() {
      return msg('Warm-up steps');
    },
    kind: { type: 'int' },
    get help() {
      return msg('Linear warm-up from 0 to the learning rate.');
    },
  },
  {
    path: 'schedule.stepSize',
    group: 'schedule',
    get label() {
      return msg('Step schedule: every … steps');
    },
    kind: { type: 'int' },
    appliesWhen: {
      test: is('schedule.name', 'step'),
      get note() {
        return msg('step schedule only');
      },
    },
  },
  {
    path: 'schedule.gamma',
    group: 'schedule',
    get label() {
      return msg('Step schedule: multiply by');
    },
    kind: { type: 'number' },
    appliesWhen: {
      test: is('schedule.name', 'step'),
      get note() {
        return msg('step schedule only');
      },
    },
  },
  {
    path: 'schedule.minLr',
    group: 'schedule',
    get label() {
      return msg('Cosine: final learning rate');
    },
    kind: { type: 'number' },
    appliesWhen: {
      test: is('schedule.name', 'cosine'),
      get note() {
        return msg('cosine schedule only');
      },
    },
  },
  // Evaluation
  {
    path: 'evalEvery',
    group: 'eval',
    get label() {
      return msg('Evaluate every … steps');
    },
    kind: { type: 'int' },
  },
  {
    path: 'evalMode',
    group: 'eval',
    get label() {
      return msg('BN statistics at test time');
    },
    kind: { type: 'enum', options: EVAL_MODES },
    get help() {
      return msg(
        'running: the running averages; batch: each test batch by itself; precise: recomputed (PreciseBN).',
      );
    },
  },
  {
    path: 'preciseSamples',
    group: 'eval',
    get label() {
      return msg('PreciseBN samples');
    },
    kind: { type: 'optional-int' },
    get emptyText() {
      return msg('1024, or all training examples if fewer');
    },
    appliesWhen: {
      test: is('evalMode', 'precise'),
      get note() {
        return msg('precise evaluation only');
      },
    },
  },
  {
    path: 'evalBatch',
    group: 'eval',
    get label() {
      return msg('Test batch size');
    },
    kind: { type: 'optional-int' },
    get emptyText() {
      return msg('the per-device batch');
    },
    appliesWhen: {
      test: is('evalMode', 'batch'),
      get note() {
        return msg('batch evaluation only');
      },
    },
  },
  // Advanced
  {
    path: 'seed',
    group: 'advanced',
    get label() {
      return msg('Seed');
    },
    kind: { type: 'int' },
    get help() {
      return msg('Same config and seed, same numbers.');
    },
  },
  {
    path: 'transport',
    group: 'advanced',
    get label() {
      return msg('Transport between workers');
    },
    kind: { type: 'enum', options: ['auto', 'shared-memory', 'message-port'] },
  },
  {
    path: 'collectiveTimeoutMs',
    group: 'advanced',
    get label() {
      return msg('Collective timeout (ms)');
    },
    kind: { type: 'int' },
  },
  {
    path: 'checksumEvery',
    group: 'advanced',
    get label() {
      return msg('Compare replica checksums every … steps');
    },
    kind: { type: 'int' },
  },
  {
    path: 'telemetryEvery',
    group: 'advanced',
    get label() {
      return msg('Record device statistics every … steps');
    },
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

/**
 * A choice's text in a select: the value itself (what the config, the help texts and the compare
 * box use), with a word of explanation in languages other than English.
 */
export function optionText(path: string, value: string): string {
  const text = OPTION_TEXT[`${path}:${value}`];
  return text ? text() : value;
}

/** Options the form glosses (the English text is the value; ids keep the messages apart). */
const OPTION_TEXT: Readonly<Record<string, () => string>> = {
  'dataset.name:mnist': () => msg('mnist', { id: 'option-dataset-mnist' }),
  'dataset.name:spiral': () => msg('spiral', { id: 'option-dataset-spiral' }),
  'dataset.name:moons': () => msg('moons', { id: 'option-dataset-moons' }),
  'dataset.name:circles': () => msg('circles', { id: 'option-dataset-circles' }),
  'dataset.name:blobs': () => msg('blobs', { id: 'option-dataset-blobs' }),
  'dataset.name:xor': () => msg('xor', { id: 'option-dataset-xor' }),
  'model.norm:batch': () => msg('batch', { id: 'option-norm-batch' }),
  'model.norm:ghost': () => msg('ghost', { id: 'option-norm-ghost' }),
  'model.norm:renorm': () => msg('renorm', { id: 'option-norm-renorm' }),
  'model.norm:group': () => msg('group', { id: 'option-norm-group' }),
  'model.norm:layer': () => msg('layer', { id: 'option-norm-layer' }),
  'model.norm:instance': () => msg('instance', { id: 'option-norm-instance' }),
  'model.norm:weight': () => msg('weight', { id: 'option-norm-weight' }),
  'model.norm:spectral': () => msg('spectral', { id: 'option-norm-spectral' }),
  'model.norm:none': () => msg('none', { id: 'option-norm-none' }),
  'gradientAveraging:ddp': () => msg('ddp', { id: 'option-averaging-ddp' }),
  'gradientAveraging:global': () => msg('global', { id: 'option-averaging-global' }),
  'runningStats:rank0': () => msg('rank0', { id: 'option-running-rank0' }),
  'runningStats:mean': () => msg('mean', { id: 'option-running-mean' }),
  'runningStats:sync': () => msg('sync', { id: 'option-running-sync' }),
  'schedule.name:constant': () => msg('constant', { id: 'option-schedule-constant' }),
  'schedule.name:step': () => msg('step', { id: 'option-schedule-step' }),
  'schedule.name:cosine': () => msg('cosine', { id: 'option-schedule-cosine' }),
  'evalMode:running': () => msg('running', { id: 'option-eval-running' }),
  'evalMode:batch': () => msg('batch', { id: 'option-eval-batch' }),
  'evalMode:precise': () => msg('precise', { id: 'option-eval-precise' }),
  'transport:auto': () => msg('auto', { id: 'option-transport-auto' }),
  'transport:shared-memory': () => msg('shared-memory', { id: 'option-transport-shared-memory' }),
  'transport:message-port': () => msg('message-port', { id: 'option-transport-message-port' }),
};
