import { describe, expect, it } from 'vitest';
import { explainProblem } from '../../src/config/config-text.ts';
import { configSchema, issueLine, WHOLE_CONFIG } from '../../src/config/schema.ts';

describe('issueLine: one schema problem as the "path: message" line every reader shares', () => {
  it('names the field by its dotted path, or the config as a whole', () => {
    expect(issueLine({ path: ['model', 'hidden', 0], message: 'Too small' })).toBe(
      'model.hidden.0: Too small',
    );
    expect(issueLine({ path: [], message: 'Invalid input' })).toBe(
      `${WHOLE_CONFIG}: Invalid input`,
    );
  });

  it('is what explainProblem reads', () => {
    const input = { dataset: { name: 'moons' }, model: { preset: 'mlp' }, devices: 0 };
    const result = configSchema.safeParse(input);
    expect(result.success).toBe(false);
    const line = issueLine(result.error!.issues[0]!);
    expect(line).toMatch(/^devices: /);
    expect(explainProblem(line, input)).toMatch(/^devices: .*\(got 0\)$/);
  });
});
