/**
 * The PyTorch bundle's own Web Worker: loading the digits, building the data arrays, the initial
 * model and every step's batch indices, deflating the .npz files and zipping them take from a
 * tenth of a second to seconds for an MNIST run, so the page's thread only asks and saves the
 * file. One worker per download, terminated when it answers.
 */
import * as Comlink from 'comlink';
import { checkModelBuilds } from '../../config/preflight.ts';
import { toConfigInput } from '../../config/config-input.ts';
import { parseConfig, type RunConfig } from '../../config/schema.ts';
import { makeDataset } from '../../data/make-dataset.ts';
import { buildTorchZip } from '../../export/torch-zip.ts';
import { loadMnistBrowser, MNIST_FILE } from './mnist.ts';

export interface TorchExportWorkerApi {
  /** The bundle of `config` as .zip bytes, its files inside `folder` (transferred, not copied). */
  zip(config: RunConfig, folder: string): Promise<Uint8Array>;
}

const mnistUrl = new URL(`${import.meta.env.BASE_URL}${MNIST_FILE}`, self.location.origin).href;

const api: TorchExportWorkerApi = {
  async zip(saved, folder) {
    // The config as the library exports it and the CLI reads it back: train.py embeds the config
    // as JSON, whose key order follows how the config was parsed, so this makes the .zip's files
    // equal `npm run export:torch -- <the run's export> --out …` byte for byte.
    const config = parseConfig(toConfigInput(saved));
    checkModelBuilds(config);
    const mnist = config.dataset.name === 'mnist' ? await loadMnistBrowser(mnistUrl) : undefined;
    const data = makeDataset(config.dataset, config.seed, mnist);
    const bytes = buildTorchZip(config, data, folder);
    return Comlink.transfer(bytes, [bytes.buffer]);
  },
};

Comlink.expose(api);
