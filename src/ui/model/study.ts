import { msg, str } from '@lit/localize';
import type { RunConfig } from '../../config/schema.ts';
import { bnSyncGroupText } from '../../config/bn-sync.ts';
import { fieldByPath } from './config-fields.ts';
import { validateInput } from './config-form.ts';
import { type ConfigObject, setPath } from '../../config/config-object.ts';

/**
 * A study is one config, optionally run several times side by side with one field varied
 * (e.g. bnSync = local, then sync). Each variant becomes its own run in the library.
 */
export const COMPARE_FIELDS = [
  'bnSync',
  'model.norm',
  'perDeviceBatch',
  'devices',
  'sharding',
  'evalMode',
  'runningStats',
  'optimizer.lr',
  'seed',
] as const;
export type CompareField = (typeof COMPARE_FIELDS)[number];

/** The settings that can be varied, as the form names them (read at render: the language can change). */
export const COMPARE_FIELD_LABELS: Readonly<Record<CompareField, string>> = {
  get bnSync() {
    return msg('BN statistics (local, sync, group:g)');
  },
  get 'model.norm'() {
    return msg('Normalization');
  },
  get perDeviceBatch() {
    return msg('Per-device batch');
  },
  get devices() {
    return msg('Devices');
  },
  get sharding() {
    return msg('Sharding (iid, label-sorted, dirichlet:α)');
  },
  get evalMode() {
    return msg('Test-time BN statistics');
  },
  get runningStats() {
    return msg('Running statistics from');
  },
  get 'optimizer.lr'() {
    return msg('Learning rate');
  },
  get seed() {
    return msg('Seed');
  },
};

export interface CompareSpec {
  readonly field: CompareField;
  /** As typed: "local, sync" or "2, 8". */
  readonly values: readonly string[];
}

export interface Study {
  readonly config: ConfigObject;
  readonly compare: CompareSpec | null;
}

export interface Variant {
  /** The run's label (English: it names the run in the legend and the library, as data). */
  readonly label: string;
  /** The label as the form shows it, in the page's language (read at render). */
  readonly shown: string;
  readonly input: ConfigObject;
  /** Null when the variant does not validate; `problems` says why. */
  readonly config: RunConfig | null;
  readonly problems: readonly string[];
}

export function isCompareField(v: unknown): v is CompareField {
  return typeof v === 'string' && (COMPARE_FIELDS as readonly string[]).includes(v);
}

/** "local, sync , group:4" → ["local", "sync", "group:4"]. */
export function splitCompareValues(text: string): string[] {
  return text
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** The config value a compare entry stands for. */
export function compareValue(field: CompareField, text: string): unknown {
  switch (field) {
    case 'perDeviceBatch':
    case 'devices':
    case 'seed':
    case 'optimizer.lr': {
      const n = Number(text);
      return text !== '' && Number.isFinite(n) ? n : text;
    }
    case 'sharding': {
      const m = /^dirichlet\s*[:=]\s*(.+)$/i.exec(text);
      if (!m) return text;
      const alpha = Number(m[1]);
      return { dirichlet: Number.isFinite(alpha) ? alpha : m[1] };
    }
    default:
      return text;
  }
}

/** A short name for one variant, as the legend and the run library show it. */
export function variantLabel(field: CompareField, text: string): string {
  const v = compareValue(field, text);
  switch (field) {
    case 'bnSync': {
      if (v === 'local') return 'local BN';
      if (v === 'sync') return 'SyncBN';
      const g = bnSyncGroupText(String(v));
      return g !== null ? `SyncBN in groups of ${g}` : `bnSync ${text}`;
    }
    case 'model.norm':
      return v === 'none' ? 'no norm' : `${text} norm`;
    case 'perDeviceBatch':
      return `${text} per device`;
    case 'devices':
      return `${text} devices`;
    case 'sharding':
      return typeof v === 'object' && v !== null
        ? `Dirichlet α=${(v as { dirichlet: unknown }).dirichlet} shards`
        : `${text} shards`;
    case 'evalMode':
      return `${text} stats at test`;
    case 'runningStats':
      return `stats from ${text}`;
    case 'optimizer.lr':
      return `lr ${text}`;
    case 'seed':
      return `seed ${text}`;
  }
}

/**
 * A variant's label as the form shows it: the run label's words in the page's language (the value
 * typed stays as it is). English is variantLabel's text.
 */
export function variantText(field: CompareField, text: string): string {
  const v = compareValue(field, text);
  switch (field) {
    case 'bnSync': {
      if (v === 'local') return msg('local BN');
      if (v === 'sync') return 'SyncBN';
      const g = bnSyncGroupText(String(v));
      return g !== null ? msg(str`SyncBN in groups of ${g}`) : `bnSync ${text}`;
    }
    case 'model.norm':
      return v === 'none' ? msg('no norm') : msg(str`${text} norm`);
    case 'perDeviceBatch':
      return msg(str`${text} per device`);
    case 'devices':
      return msg(str`${text} devices`);
    case 'sharding':
      return typeof v === 'object' && v !== null
        ? msg(str`Dirichlet α=${(v as { dirichlet: unknown }).dirichlet} shards`)
        : msg(str`${text} shards`);
    case 'evalMode':
      return msg(str`${text} stats at test`);
    case 'runningStats':
      return msg(str`stats from ${text}`);
    case 'optimizer.lr':
      return `lr ${text}`;
    case 'seed':
      return msg(str`seed ${text}`);
  }
}

/** A one-line description of a config (names in the library avoid the word "run" on purpose). */
export function describeConfig(c: RunConfig): string {
  const net = c.model.preset === 'cnn' ? 'CNN' : c.model.preset === 'mlp' ? 'MLP' : 'BN-paper MLP';
  const data = c.dataset.name === 'mnist' ? 'MNIST' : c.dataset.name;
  const batch =
    c.perDeviceBatch !== null
      ? `${c.devices}×${c.perDeviceBatch}`
      : `${c.devices} dev, batch ${c.globalBatch}`;
  const norm = c.model.norm === 'none' ? 'no norm' : `${c.model.norm} norm`;
  return `${data} ${net}, ${norm}, ${batch}`;
}

/** The runs a study stands for, each validated with the schema (and the model builder). */
export function expandStudy(study: Study): Variant[] {
  const values = study.compare?.values ?? [];
  if (!study.compare || values.length === 0) {
    const r = validateInput(study.config);
    return [
      {
        label: r.config ? describeConfig(r.config) : 'run',
        get shown() {
          return r.config ? describeConfig(r.config) : msg('run');
        },
        input: study.config,
        config: r.config,
        problems: allProblems(r.problems),
      },
    ];
  }
  const field = study.compare.field;
  return values.map((text) => {
    const input = setPath(study.config, field, compareValue(field, text));
    const r = validateInput(input);
    const label = variantLabel(field, text);
    return {
      label,
      get shown() {
        return variantText(field, text);
      },
      input,
      config: r.config,
      problems: allProblems(r.problems),
    };
  });
}

function allProblems(p: {
  byField: Readonly<Record<string, readonly string[]>>;
  general: readonly string[];
}): string[] {
  return [
    ...Object.entries(p.byField).flatMap(([path, list]) =>
      list.map((m) => `${fieldByPath(path)?.label ?? path}: ${m}`),
    ),
    ...p.general,
  ];
}
