import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Decorators apply bottom-up. With `@localized()` above `@customElement(…)`, define() runs first
 * and upgrades the elements already in the page (<sbl-app> in index.html, a Learn step rendered
 * before its code loaded) before localized() adds its initializer: those never re-render on a
 * language switch. Every localized element is written `@customElement(…)` then `@localized()`.
 */
const UI = resolve(import.meta.dirname, '../../src/ui');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [join(dir, e.name)]
        : [],
  );
}

describe('localized elements', () => {
  it('put @customElement above @localized (define() must come after the initializer)', () => {
    const wrong = sources(UI).filter((f) =>
      /@localized\(\)\s*\n\s*@customElement\(/.test(readFileSync(f, 'utf8')),
    );
    expect(wrong.map((f) => relative(UI, f))).toEqual([]);
  });
});
