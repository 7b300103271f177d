import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMnist } from '../../src/data/mnist-format.ts';
import { inflateIfGzip, loadMnistBrowser } from '../../src/platform/browser/mnist.ts';
import { gunzipOrNull, gzipMnist, loadMnistNode } from '../../src/platform/node/mnist.ts';
import { expectSameArray } from './same-array.ts';

/*
 * The browser reads the digits from public/mnist.bin.gz and inflates them in its worker: what it
 * decodes must be, byte for byte, the packed file Node reads from .cache/mnist.bin.
 */
let dir = '';
let packed: Uint8Array;
let gz: Uint8Array;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mnist-gzip-test-'));
  packed = encodeMnist(await loadMnistNode());
  gz = gzipMnist(packed);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fetch that answers with `bytes`, counting its calls. */
function serving(bytes: Uint8Array): { fetch: () => Promise<Response>; calls: () => number } {
  let calls = 0;
  return {
    fetch: async () => {
      calls++;
      return new Response(bytes.slice().buffer);
    },
    calls: () => calls,
  };
}

describe('MNIST gzip for the browser', () => {
  it('inflates to the packed binary, and gzips the same bytes every time', () => {
    expect(gz.length).toBeLessThan(1_700_000); // 7.85 MB packed
    const back = gunzipOrNull(gz);
    expect(back).not.toBeNull();
    expectSameArray(back!, packed);
    expectSameArray(gzipMnist(packed), gz);
    // Gzip header: magic, deflate, no flags, modification time 0, OS "unknown".
    expect([...gz.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff]);
  });

  it('decodes in the browser path (DecompressionStream) to the same digits as Node', async () => {
    const inflated = await inflateIfGzip(new Uint8Array(gz));
    expectSameArray(inflated, packed);
    const server = serving(gz);
    const a = await loadMnistBrowser('/gz/mnist.bin.gz', { fetch: server.fetch });
    const b = await loadMnistBrowser('/gz/mnist.bin.gz', { fetch: server.fetch });
    expect(b).toBe(a);
    expect(server.calls()).toBe(1);
    const node = await loadMnistNode();
    expect(a.count).toBe(node.count);
    expectSameArray(a.labels, node.labels);
    expectSameArray(a.images, node.images);
  });

  it('takes the file already inflated (a server that sent it with Content-Encoding: gzip)', async () => {
    const server = serving(packed);
    const raw = await loadMnistBrowser('/inflated/mnist.bin.gz', { fetch: server.fetch });
    expect(raw.count).toBe(10_000);
  });

  it('says which file is bad when the gzip data is corrupt or cut short', async () => {
    const cut = serving(gz.subarray(0, gz.length >> 1));
    await expect(loadMnistBrowser('/cut/mnist.bin.gz', { fetch: cut.fetch })).rejects.toThrow(
      /\/cut\/mnist\.bin\.gz is not a packed MNIST file/,
    );
    const flipped = gz.slice();
    flipped[1000]! ^= 0xff;
    const bad = serving(flipped);
    await expect(loadMnistBrowser('/bad/mnist.bin.gz', { fetch: bad.fetch })).rejects.toThrow(
      /\/bad\/mnist\.bin\.gz is not a packed MNIST file/,
    );
  });

  it('pack-mnist writes a .gz output gzipped, and --check finds both up to date', async () => {
    const bin = join(dir, 'out.bin');
    const gzPath = join(dir, 'out.bin.gz');
    const run = promisify(execFile);
    await run('npx', ['tsx', 'scripts/pack-mnist.ts', '--out', bin, '--out', gzPath]);
    expectSameArray(new Uint8Array(await readFile(bin)), packed);
    const written = new Uint8Array(await readFile(gzPath));
    expectSameArray(gunzipOrNull(written)!, packed);
    const check = await run('npx', [
      'tsx',
      'scripts/pack-mnist.ts',
      '--check',
      '--out',
      bin,
      '--out',
      gzPath,
    ]);
    expect(check.stdout).toMatch(/out\.bin\.gz: up to date/);
  });
});
