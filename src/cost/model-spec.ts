/**
 * What the cost model needs to know about a network, whatever built it (an architecture
 * generator in ./architectures or the simulator's own model, ./simulated-model.ts).
 *
 * Layers are listed in forward order. Backward visits them in reverse, and DDP's gradient buckets
 * are filled in that reverse order too, so the order matters.
 */
export interface LayerSpec {
  readonly name: string;
  /** Trainable parameters of this layer (weights, biases, BN's γ and β). */
  readonly params: number;
  /** Multiply–accumulates of one sample's forward pass through this layer. */
  readonly macs: number;
  /** Set for a batch-statistic norm (what SyncBatchNorm replaces): its channel count C. */
  readonly bnChannels?: number;
}

export interface ModelSpec {
  /** Shown to the user, e.g. "ResNet-50 at 224×224". */
  readonly label: string;
  readonly layers: readonly LayerSpec[];
}

export interface ModelSummary {
  readonly label: string;
  readonly bnLayers: number;
  /** Σ C over the BN layers. */
  readonly bnChannels: number;
  readonly params: number;
  /** Forward multiply–accumulates per sample ("4.1 GFLOPs" for ResNet-50 counts these). */
  readonly macsPerSample: number;
}

export function summarize(model: ModelSpec): ModelSummary {
  let bnLayers = 0;
  let bnChannels = 0;
  let params = 0;
  let macs = 0;
  for (const layer of model.layers) {
    params += layer.params;
    macs += layer.macs;
    if (layer.bnChannels !== undefined) {
      bnLayers++;
      bnChannels += layer.bnChannels;
    }
  }
  return { label: model.label, bnLayers, bnChannels, params, macsPerSample: macs };
}
