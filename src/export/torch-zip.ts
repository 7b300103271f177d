import { deflateSync, type Zippable, zipSync } from 'fflate';
import type { RunConfig } from '../config/schema.ts';
import type { SplitDataset } from '../data/dataset.ts';
import type { RawDeflate } from './npz.ts';
import { buildTorchBundle, type TorchBundleFile } from './torch-bundle.ts';
import { exactByDefault } from './torch-support.ts';

/**
 * The PyTorch bundle as one .zip file (the app's download): the same files `npm run export:torch`
 * writes into its --out directory, inside one folder named `folder`, so unzipping gives a
 * directory ready for torchrun. Host-free (fflate), so the page's worker and the tests build it
 * the same way.
 */

/**
 * Raw DEFLATE at zlib's default level 6 (what the CLI's zlib.deflateRawSync and numpy's
 * savez_compressed use). fflate's encoder is not zlib's, so the compressed bytes of the .npz
 * entries may differ from the CLI's; the arrays they inflate to are the same bytes.
 */
export const fflateRawDeflate: RawDeflate = (bytes) => deflateSync(bytes, { level: 6 });

/** A fixed time for every entry, so the same run always gives the same .zip bytes. */
const ZIP_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** The bundle's files as a .zip: .npz entries stored (they are compressed already), text deflated. */
export function zipTorchBundle(files: readonly TorchBundleFile[], folder: string): Uint8Array {
  const entries: Zippable = {};
  for (const f of files) {
    entries[`${folder}/${f.name}`] = [f.bytes, { level: f.name.endsWith('.npz') ? 0 : 6 }];
  }
  return zipSync(entries, { mtime: ZIP_TIME });
}

/**
 * buildTorchBundle for the app, zipped, with the CLI's default data order (exactByDefault).
 * Throws ConfigError naming the field when the run cannot be exported.
 */
export function buildTorchZip(config: RunConfig, data: SplitDataset, folder: string): Uint8Array {
  const files = buildTorchBundle(config, data, {
    exact: exactByDefault(config),
    deflate: fflateRawDeflate,
  });
  return zipTorchBundle(files, folder);
}
