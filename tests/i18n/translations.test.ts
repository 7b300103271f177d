import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Issue #12: both languages ship complete. Every message the source wraps in msg() has a zh-CN
 * translation in xliff/zh-CN.xlf, the XLIFF lists exactly the messages the source has (run
 * `npm run i18n` after changing a message), and the translations module the app loads is the
 * one built from that XLIFF.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const XLIFF = join(ROOT, 'xliff/zh-CN.xlf');
const GENERATED = join(ROOT, 'src/ui/i18n/generated/zh-CN.ts');

interface Unit {
  readonly id: string;
  readonly source: string;
  readonly target: string | null;
}

/** The trans-units of an XLIFF 1.2 file as lit-localize writes it (one unit per message). */
function units(xliff: string): Unit[] {
  const found: Unit[] = [];
  for (const m of xliff.matchAll(/<trans-unit id="([^"]+)">([\s\S]*?)<\/trans-unit>/g)) {
    const body = m[2] ?? '';
    found.push({
      id: m[1] ?? '',
      source: /<source>([\s\S]*?)<\/source>/.exec(body)?.[1] ?? '',
      target: /<target>([\s\S]*?)<\/target>/.exec(body)?.[1] ?? null,
    });
  }
  return found;
}

let work: string;
let extracted: string;
let built: string;

beforeAll(() => {
  // lit-localize run on a copy, so the test never rewrites the committed files.
  work = mkdtempSync(join(tmpdir(), 'sbl-i18n-'));
  mkdirSync(join(work, 'xliff'));
  copyFileSync(XLIFF, join(work, 'xliff/zh-CN.xlf'));
  const config = JSON.parse(readFileSync(join(ROOT, 'lit-localize.json'), 'utf8'));
  config.tsConfig = join(ROOT, 'tsconfig.i18n.json');
  config.interchange.xliffDir = join(work, 'xliff');
  config.output.outputDir = join(work, 'generated');
  config.output.localeCodesModule = join(work, 'generated/locale-codes.ts');
  const configPath = join(work, 'lit-localize.json');
  writeFileSync(configPath, JSON.stringify(config));
  const cli = join(ROOT, 'node_modules/.bin/lit-localize');
  for (const command of ['extract', 'build']) {
    execFileSync(cli, [command, '--config', configPath], { cwd: ROOT, stdio: 'pipe' });
  }
  extracted = readFileSync(join(work, 'xliff/zh-CN.xlf'), 'utf8');
  built = readFileSync(join(work, 'generated/zh-CN.ts'), 'utf8');
}, 120_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the zh-CN translation', () => {
  it('has a translation for every message', () => {
    const missing = units(readFileSync(XLIFF, 'utf8'))
      .filter((u) => !u.target?.trim())
      .map((u) => `${u.id}: ${u.source}`);
    expect(missing, 'messages without a <target> in xliff/zh-CN.xlf').toEqual([]);
  });

  it('lists exactly the messages of the source (run `npm run i18n` after changing one)', () => {
    const committed = units(readFileSync(XLIFF, 'utf8'));
    const fromSource = units(extracted);
    expect(fromSource.length).toBeGreaterThan(0);
    const known = new Set(committed.map((u) => u.id));
    const current = new Set(fromSource.map((u) => u.id));
    expect(
      fromSource.filter((u) => !known.has(u.id)).map((u) => u.source),
      'messages in the source missing from xliff/zh-CN.xlf',
    ).toEqual([]);
    expect(
      committed.filter((u) => !current.has(u.id)).map((u) => u.source),
      'messages in xliff/zh-CN.xlf no longer in the source',
    ).toEqual([]);
  });

  it('the module the app loads is built from the XLIFF (run `npm run i18n`)', () => {
    expect(readFileSync(GENERATED, 'utf8')).toBe(built);
  });
});
