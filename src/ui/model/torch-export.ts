import { msg, str } from '@lit/localize';
import { getPath } from '../../config/config-object.ts';
import type { RunConfig } from '../../config/schema.ts';
import { exactByDefault, torchExportProblems } from '../../export/torch-support.ts';
import { fieldForPath, optionText } from './config-fields.ts';

/**
 * What the app says about a run the PyTorch export cannot express yet, in the page's language.
 * The exporter's own lines (src/export/torch-support.ts) are English, for the CLI, and each starts
 * with the config key at fault ("model.norm: …"): the page names that setting by its form label,
 * with the run's value, and the key in brackets so it can be found in the CLI's words too.
 */
export function torchExportBlockers(config: RunConfig): string[] {
  const keys = torchExportProblems(config, exactByDefault(config)).map(
    (line) => /^([\w.]+):/.exec(line)?.[1] ?? '',
  );
  return [...new Set(keys)].map((key) => blockerText(config, key));
}

function blockerText(config: RunConfig, key: string): string {
  if (key === '') return msg('The PyTorch export cannot express one of this run’s settings yet.');
  const label = fieldForPath(key)?.label ?? key;
  const raw = getPath(config, key);
  const value = typeof raw === 'string' ? optionText(key, raw) : JSON.stringify(raw);
  return msg(
    str`The PyTorch export does not support “${label}” (${key}) = ${value} yet. Change that setting to download a bundle.`,
  );
}

/** A run's name as a file or folder name: letters, digits, "." and "_" kept, the rest one "-". */
function safeName(name: string): string {
  return (
    name
      .replace(/[^\p{L}\p{N}._]+/gu, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'syncbn-run'
  );
}

/** The folder inside the .zip (a name torchrun's command line takes without quotes). */
export function torchBundleFolder(runName: string): string {
  return `${safeName(runName)}-pytorch`;
}

/** The downloaded file's name: the folder it unzips to, plus .zip. */
export function torchZipFileName(runName: string): string {
  return `${torchBundleFolder(runName)}.zip`;
}
/** The outcome shown next to the button that asked (its words made when read: a switch rewrites them). */
export interface TorchDownloadNote {
  readonly where: 'library' | 'live';
  readonly key: string;
  readonly kind: 'busy' | 'ok' | 'error';
  readonly text: string;
}
