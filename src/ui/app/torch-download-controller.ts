import { msg, str } from '@lit/localize';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RunConfig } from '../../config/schema.ts';
import { errorMessage } from '../../core/error-message.ts';
import {
  type TorchDownloadNote,
  torchBundleFolder,
  torchExportBlockers,
  torchZipFileName,
} from '../model/torch-export.ts';

export type { TorchDownloadNote };

/** Where a download was asked for: a row of the library (its id) or a run of the live view (its key). */
export interface TorchDownloadRequest {
  readonly where: TorchDownloadNote['where'];
  readonly key: string;
  readonly name: string;
  readonly config: RunConfig;
}

/** Builds the .zip bytes (a worker in the page; injected so tests and benchmarks can replace it). */
export type TorchZipBuilder = (config: RunConfig, folder: string) => Promise<Uint8Array>;

/**
 * "Download for PyTorch (.zip)": checks first that the exporter can express the run (a setting it
 * cannot is named, and nothing is built or downloaded), then builds the bundle in a worker and
 * saves it as one file, only once it is complete.
 */
export class TorchDownloadController implements ReactiveController {
  private current: {
    request: TorchDownloadRequest;
    say: () => string;
    kind: TorchDownloadNote['kind'];
  } | null = null;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly build: TorchZipBuilder,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The last download's state, for the view that asked. */
  get note(): TorchDownloadNote | null {
    const c = this.current;
    if (!c) return null;
    return { where: c.request.where, key: c.request.key, kind: c.kind, text: c.say() };
  }

  get busy(): boolean {
    return this.current?.kind === 'busy';
  }

  async download(request: TorchDownloadRequest): Promise<void> {
    if (this.busy) return;
    const blockers = torchExportBlockers(request.config);
    if (blockers.length > 0) {
      this.show(request, 'error', () => torchExportBlockers(request.config).join(' '));
      return;
    }
    const file = torchZipFileName(request.name);
    this.show(request, 'busy', () => msg(str`Building ${file}…`));
    try {
      const bytes = await this.build(request.config, torchBundleFolder(request.name));
      saveFile(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }), file);
      const devices = request.config.devices;
      this.show(request, 'ok', () =>
        msg(
          str`Downloaded ${file}. Unzip it and run: torchrun --nproc_per_node=${devices} train.py --out metrics.json, then import metrics.json here.`,
        ),
      );
    } catch (error) {
      const detail = errorMessage(error);
      this.show(request, 'error', () =>
        msg(str`The PyTorch bundle could not be built, nothing was downloaded: ${detail}`),
      );
    }
  }

  private show(
    request: TorchDownloadRequest,
    kind: TorchDownloadNote['kind'],
    say: () => string,
  ): void {
    this.current = { request, kind, say };
    this.host.requestUpdate();
  }
}

function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
