import { describe, expect, it } from 'vitest';
import { getPath } from '../../src/config/config-object.ts';
import { DEFAULT_CHOICES, schemaDefaults } from '../../src/config/schema-defaults.ts';
import { configSchema } from '../../src/config/schema.ts';

describe('schemaDefaults', () => {
  it('is the schema with the two choices it has no default for (links depend on it)', () => {
    const d = schemaDefaults();
    expect(d).toEqual(configSchema.parse(DEFAULT_CHOICES));
    expect(getPath(d, 'dataset.name')).toBe('mnist');
    expect(getPath(d, 'model.preset')).toBe('mlp');
    expect(getPath(d, 'model.normOptions.momentum')).toBe(0.1);
    expect(d).not.toHaveProperty('perDeviceBatch');
  });

  it('gives each caller objects of its own', () => {
    const a = schemaDefaults();
    (a.model as { hidden: number[] }).hidden.push(7);
    expect(getPath(schemaDefaults(), 'model.hidden')).toEqual([64, 64]);
  });
});
