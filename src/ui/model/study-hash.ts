import { msg, str } from '@lit/localize';
import { configSchema } from '../../config/schema.ts';
import { schemaDefaults } from '../../config/schema-defaults.ts';
import {
  type ConfigObject,
  deepDiff,
  deepMerge,
  isPlainObject,
} from '../../config/config-object.ts';
import { type CompareSpec, type Study, expandStudy, isCompareField } from './study.ts';

/**
 * The URL hash holds the study, so a link reproduces it: `#x=` + base64url(JSON) of
 * `{ config: <fields that differ from the schema's defaults>, compare?: {field, values} }`.
 * The defaults are the schema's (not the app's default study), so links stay valid when the
 * app's starting study changes.
 */
const PREFIX = 'x=';

export type HashReading =
  | { readonly kind: 'empty' }
  | { readonly kind: 'ok'; readonly study: Study }
  | { readonly kind: 'error'; readonly message: string };

/** Only the fields that differ from the schema's defaults (the config must pass the schema). */
export function compactConfig(input: ConfigObject): ConfigObject {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) return input;
  return deepDiff(parsed.data as ConfigObject, schemaDefaults());
}

export function encodeStudyHash(study: Study): string {
  const payload: { config: ConfigObject; compare?: CompareSpec } = {
    config: compactConfig(study.config),
  };
  if (study.compare && study.compare.values.length > 0) payload.compare = study.compare;
  return `${PREFIX}${toBase64Url(JSON.stringify(payload))}`;
}

/** Read a hash (with or without the leading "#"); problems come back as one readable sentence. */
export function decodeStudyHash(hash: string): HashReading {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h.trim() === '') return { kind: 'empty' };
  // The sentence is worded when read, in the language the page shows then.
  const fail = (why: () => string): HashReading => ({
    kind: 'error',
    get message() {
      return msg(
        str`The study in this link could not be read (${why()}), so the default study is shown instead.`,
      );
    },
  });
  if (!h.startsWith(PREFIX)) return fail(() => msg('it does not start with "x="'));
  let text: string;
  try {
    text = fromBase64Url(h.slice(PREFIX.length));
  } catch {
    return fail(() => msg('the link looks cut off or changed'));
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch {
    return fail(() => msg('the link looks cut off or changed'));
  }
  if (!isPlainObject(payload) || !isPlainObject(payload.config))
    return fail(() => msg('it holds no config'));
  const config = deepMerge(schemaDefaults(), payload.config);
  let compare: CompareSpec | null = null;
  if (payload.compare !== undefined) {
    const c = payload.compare;
    if (
      !isPlainObject(c) ||
      !isCompareField(c.field) ||
      !Array.isArray(c.values) ||
      !c.values.every((v) => typeof v === 'string')
    ) {
      return fail(() => msg('its side-by-side comparison is not understood'));
    }
    compare = { field: c.field, values: c.values as string[] };
  }
  // Checked as the form checks it: each run it stands for (a varied field's own value is unused).
  const bad = expandStudy({ config, compare }).filter((v) => v.config === null);
  if (bad.length > 0) {
    // Worded when shown (checked again then: the problems' words follow the page's language).
    const study = { config, compare };
    return fail(() =>
      expandStudy(study)
        .filter((v) => v.config === null)
        .flatMap((v) => (compare ? v.problems.map((p) => `${v.shown}: ${p}`) : v.problems))
        .join('; '),
    );
  }
  return { kind: 'ok', study: { config, compare } };
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url');
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
