/**
 * Interconnect presets (per GPU, one direction). Bandwidths are from the reference sheet
 * (docs: ../shared/reference/cost.md): NVLink per GPU 300 / 600 / 900 / 1800 GB/s both directions
 * for V100 / A100 / H100 / B200 (half each way), PCIe x16 16 / 32 / 64 GB/s (Gen 3 / 4 / 5),
 * InfiniBand HDR 200 and NDR 400 Gb/s per port, Ethernet 100 / 400 Gb/s. One NIC per GPU (the
 * usual rail-optimized node) is assumed, so a network link's bandwidth is per GPU.
 *
 * Latencies α are per hop, fitted to the sheet's small-message measurements (./calibration.ts;
 * a test checks these rounded values against the fit): one α for every NVLink generation, one for
 * PCIe, one for every network (the published cases cannot tell InfiniBand from Ethernet), plus a
 * fixed cost per collective (ALPHA_BASE_US). Every number can be overridden in a setting.
 */
export interface LinkSpec {
  readonly id: string;
  readonly label: string;
  /** Latency per hop of a collective's algorithm, µs. */
  readonly alphaUs: number;
  /** Bandwidth per GPU in one direction, GB/s (10⁹ bytes per second). */
  readonly bandwidthGBps: number;
}

/** The links of a cluster: inside a node, between nodes, and a fixed cost per collective. */
export interface Fabric {
  readonly intra: LinkSpec;
  readonly inter: LinkSpec;
  /** Fixed cost per collective, µs. */
  readonly baseUs: number;
}

/** Fixed cost of launching one collective (kernel launch, NCCL's base latency), µs. */
export const ALPHA_BASE_US = 0;
export const ALPHA_NVLINK_US = 3.2;
export const ALPHA_PCIE_US = 2.25;
export const ALPHA_NETWORK_US = 2;

export const INTRA_NODE_LINKS = [
  { id: 'nvlink2', label: 'NVLink 2 (V100)', alphaUs: ALPHA_NVLINK_US, bandwidthGBps: 150 },
  { id: 'nvlink3', label: 'NVLink 3 (A100)', alphaUs: ALPHA_NVLINK_US, bandwidthGBps: 300 },
  { id: 'nvlink4', label: 'NVLink 4 (H100)', alphaUs: ALPHA_NVLINK_US, bandwidthGBps: 450 },
  { id: 'nvlink5', label: 'NVLink 5 (B200)', alphaUs: ALPHA_NVLINK_US, bandwidthGBps: 900 },
  { id: 'pcie3', label: 'PCIe Gen 3 x16', alphaUs: ALPHA_PCIE_US, bandwidthGBps: 16 },
  { id: 'pcie4', label: 'PCIe Gen 4 x16', alphaUs: ALPHA_PCIE_US, bandwidthGBps: 32 },
  { id: 'pcie5', label: 'PCIe Gen 5 x16', alphaUs: ALPHA_PCIE_US, bandwidthGBps: 64 },
] as const satisfies readonly LinkSpec[];

export const INTER_NODE_LINKS = [
  {
    id: 'ib-hdr',
    label: 'InfiniBand HDR (200 Gb/s)',
    alphaUs: ALPHA_NETWORK_US,
    bandwidthGBps: 25,
  },
  {
    id: 'ib-ndr',
    label: 'InfiniBand NDR (400 Gb/s)',
    alphaUs: ALPHA_NETWORK_US,
    bandwidthGBps: 50,
  },
  { id: 'eth-100', label: 'Ethernet 100 Gb/s', alphaUs: ALPHA_NETWORK_US, bandwidthGBps: 12.5 },
  { id: 'eth-400', label: 'Ethernet 400 Gb/s', alphaUs: ALPHA_NETWORK_US, bandwidthGBps: 50 },
] as const satisfies readonly LinkSpec[];

export type IntraNodeLinkId = (typeof INTRA_NODE_LINKS)[number]['id'];
export type InterNodeLinkId = (typeof INTER_NODE_LINKS)[number]['id'];

export function intraNodeLink(id: IntraNodeLinkId): LinkSpec {
  return INTRA_NODE_LINKS.find((l) => l.id === id)!;
}

export function interNodeLink(id: InterNodeLinkId): LinkSpec {
  return INTER_NODE_LINKS.find((l) => l.id === id)!;
}

/** The fabric of a cluster from preset ids (override fields of the result as needed). */
export function fabricOf(intra: IntraNodeLinkId, inter: InterNodeLinkId): Fabric {
  return { intra: intraNodeLink(intra), inter: interNodeLink(inter), baseUs: ALPHA_BASE_US };
}
