import { type AllReduceAlgorithm, allReduceUs, type Fabric, type Placement } from './alpha-beta.ts';
import type { LinkSpec } from './links.ts';
import { nnls } from './nnls.ts';

/**
 * The published small-message all_reduce latencies of the reference sheet, and the fit of the
 * latency parameters to them.
 *
 * How α is fitted: every case's modelled latency is linear in the four unknowns
 * x = [α₀, α_NVLink, α_PCIe, α_network] (alpha-beta.ts: e.g. a tree over 2 nodes × 8 is
 * α₀ + 14·α_intra + 2·α_network, plus a bandwidth term that is < 0.1 µs at these sizes). We
 * minimize the sum of squared RELATIVE errors Σ ((A·x)ᵢ / yᵢ − 1)² with x ≥ 0 (non-negative least
 * squares, solved exactly by trying every subset of free parameters: 2⁴ small normal-equation
 * systems). Left free, α_network fits to 0: the only cases across nodes have 2 nodes, where the
 * network adds 2 hops, and the 2-node PCIe case is FASTER than the 1-node one (consumer GPUs
 * without peer-to-peer). A network hop (NIC, switch, RDMA completion) takes microseconds, so α_network
 * is held at no less than NETWORK_ALPHA_FLOOR_US, an assumption; every case stays within ±30%.
 * β is not fitted: messages of ≤ 512 B say nothing about bandwidth, so β = 1/bandwidth
 * from the sheet's link speeds.
 */
export interface CalibrationCase {
  readonly label: string;
  readonly source: string;
  readonly bytes: number;
  readonly measuredUs: number;
  readonly placement: Placement;
  readonly intra: 'nvlink' | 'pcie';
  readonly intraGBps: number;
  readonly interGBps: number;
  readonly algorithm: AllReduceAlgorithm;
  /** What we had to assume beyond the published figure. */
  readonly note: string;
}

export const CALIBRATION_CASES: readonly CalibrationCase[] = [
  {
    label: '2 × H100, NVLink',
    source: 'NCCL issue 1259',
    bytes: 128,
    measuredUs: 5.8,
    placement: { nodes: 1, perNode: 2 },
    intra: 'nvlink',
    intraGBps: 450,
    interGBps: 50,
    algorithm: 'auto',
    note: 'reported ≈ 5.6–6 µs (NVLink SHARP); midpoint taken',
  },
  {
    label: '8 × RTX 4090, PCIe, tree',
    source: 'NCCL issue 1530',
    bytes: 8,
    measuredUs: 42.6,
    placement: { nodes: 1, perNode: 8 },
    intra: 'pcie',
    intraGBps: 32,
    interGBps: 50,
    algorithm: 'tree',
    note: 'consumer GPUs without PCIe peer-to-peer: traffic goes through host memory',
  },
  {
    label: '2 nodes × 8 PCIe Gen 3 GPUs, 100 Gb/s NIC',
    source: 'NCCL issue 757 (NVIDIA)',
    bytes: 8,
    measuredUs: 30,
    placement: { nodes: 2, perNode: 8 },
    intra: 'pcie',
    intraGBps: 16,
    interGBps: 12.5,
    algorithm: 'auto',
    note: 'reported ≈ 30 µs',
  },
  {
    label: '2 nodes × 8 H20, NDR InfiniBand',
    source: 'NCCL issue 1244',
    bytes: 256,
    measuredUs: 46.5,
    placement: { nodes: 2, perNode: 8 },
    intra: 'nvlink',
    intraGBps: 450,
    interGBps: 50,
    algorithm: 'auto',
    note: 'reported ≈ 46–47 µs for 4–512 B; 256 B and the midpoint taken',
  },
  {
    label: 'H100 cluster (2 nodes × 8 assumed)',
    source: 'NCCL issue 1453',
    bytes: 128,
    measuredUs: 61.6,
    placement: { nodes: 2, perNode: 8 },
    intra: 'nvlink',
    intraGBps: 450,
    interGBps: 50,
    algorithm: 'auto',
    note: "the log shows ranks 0–15 on 2 hosts; network assumed NDR; NCCL's own model said 25.2 µs",
  },
];

/** The least latency per network hop the fit may choose, µs (see the header: an assumption). */
export const NETWORK_ALPHA_FLOOR_US = 2;

export interface FittedAlphas {
  readonly baseUs: number;
  readonly nvlinkUs: number;
  readonly pcieUs: number;
  readonly networkUs: number;
}

/** The fabric of a case under given α values. */
export function caseFabric(c: CalibrationCase, a: FittedAlphas): Fabric {
  const intra: LinkSpec = {
    id: c.intra,
    label: c.intra,
    alphaUs: c.intra === 'nvlink' ? a.nvlinkUs : a.pcieUs,
    bandwidthGBps: c.intraGBps,
  };
  const inter: LinkSpec = {
    id: 'network',
    label: 'network',
    alphaUs: a.networkUs,
    bandwidthGBps: c.interGBps,
  };
  return { intra, inter, baseUs: a.baseUs };
}

export function modelledUs(c: CalibrationCase, a: FittedAlphas): number {
  return allReduceUs(c.bytes, c.placement, caseFabric(c, a), c.algorithm);
}

const UNIT: readonly FittedAlphas[] = [
  { baseUs: 1, nvlinkUs: 0, pcieUs: 0, networkUs: 0 },
  { baseUs: 0, nvlinkUs: 1, pcieUs: 0, networkUs: 0 },
  { baseUs: 0, nvlinkUs: 0, pcieUs: 1, networkUs: 0 },
  { baseUs: 0, nvlinkUs: 0, pcieUs: 0, networkUs: 1 },
];
const ZERO: FittedAlphas = { baseUs: 0, nvlinkUs: 0, pcieUs: 0, networkUs: 0 };
const FLOOR: FittedAlphas = { ...ZERO, networkUs: NETWORK_ALPHA_FLOOR_US };

const fromVector = (x: readonly number[]): FittedAlphas => ({
  baseUs: x[0] ?? 0,
  nvlinkUs: x[1] ?? 0,
  pcieUs: x[2] ?? 0,
  networkUs: x[3] ?? 0,
});

/**
 * Non-negative least squares on relative errors (see the header). "auto" cases pick ring or tree
 * by the current α, so the fit is repeated with each case's algorithm fixed to what the previous
 * fit chose until the choice no longer changes.
 */
export function fitAlphas(cases: readonly CalibrationCase[] = CALIBRATION_CASES): FittedAlphas {
  let fixed = cases.map((c) => (c.algorithm === 'auto' ? 'tree' : c.algorithm));
  let best = ZERO;
  for (let round = 0; round < 5; round++) {
    const rows = cases.map((c, i) => {
      const withAlg = { ...c, algorithm: fixed[i]! };
      // The fixed part: the bandwidth term and the floor's share of the network latency.
      const fixedUs = modelledUs(withAlg, FLOOR);
      const row = UNIT.map(
        (u) => (modelledUs(withAlg, u) - modelledUs(withAlg, ZERO)) / c.measuredUs,
      );
      return { row, target: 1 - fixedUs / c.measuredUs };
    });
    const x = nnls(rows);
    best = fromVector(x.map((v, j) => v + (j === 3 ? NETWORK_ALPHA_FLOOR_US : 0)));
    const next = cases.map((c) =>
      c.algorithm !== 'auto'
        ? c.algorithm
        : modelledUs({ ...c, algorithm: 'ring' }, best) <
            modelledUs({ ...c, algorithm: 'tree' }, best)
          ? 'ring'
          : 'tree',
    );
    if (next.every((a, i) => a === fixed[i])) break;
    fixed = next;
  }
  return best;
}
