import type { ConfigObject } from './config-object.ts';
import { configSchema } from './schema.ts';

/**
 * The two choices the schema gives no default for (the dataset and the model preset), made once:
 * with them, every other field takes the schema's default. The app's links (`#x=`) hold only what
 * differs from `schemaDefaults()`, so changing these breaks every saved link; the setup form
 * shows the same defaults as its placeholders.
 */
export const DEFAULT_CHOICES = { dataset: { name: 'mnist' }, model: { preset: 'mlp' } } as const;

/** Every field at the schema's default (validated, not resolved: no derived field filled in). */
export function schemaDefaults(): ConfigObject {
  // A fresh parse each call: callers get objects of their own.
  return configSchema.parse(DEFAULT_CHOICES) as ConfigObject;
}
