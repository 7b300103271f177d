import type { Fabric, LinkSpec } from './links.ts';

/**
 * α–β (latency–bandwidth) times of the collectives, in µs, for P ranks placed as `nodes` nodes of
 * `perNode` ranks (P = nodes·perNode). Each hop costs α; each byte crossing the slowest link of the
 * algorithm costs β = 1 / bandwidth. The latency terms follow the structure of NCCL's own tuning
 * model (src/graph/tuning.cc): a flat ring over all P ranks whose hops are intra-node except the
 * ones between nodes, and a tree that is a chain inside each node and a (double) binary tree
 * across nodes. That is the hierarchical model used when a collective spans nodes.
 *
 *   ring all_reduce(n bytes) = α₀ + 2(P − m)·α_intra + 2(m − 1)·α_inter + 2·(P − 1)/P · n · β
 *   tree all_reduce(n bytes) = α₀ + 2[(q − 1)·α_intra + ⌈log₂ m⌉·α_inter]   + 2·n · β
 *   ring all_gather(b bytes from each rank)
 *                            = α₀ + (P − m)·α_intra + (m − 1)·α_inter       + (P − 1)·b · β
 *
 * with m = nodes, q = ranks per node, β = β_inter when m > 1 (the network is the slowest hop of
 * every ring and tree crossing nodes; one NIC per GPU), else β_intra. "auto" takes the faster of
 * ring and tree, as NCCL's tuner picks by its own model; all_gather is ring only. P = 1 costs 0.
 */
export interface Placement {
  readonly nodes: number;
  readonly perNode: number;
}

export type { Fabric };

export type AllReduceAlgorithm = 'ring' | 'tree' | 'auto';

const ranks = (p: Placement): number => p.nodes * p.perNode;

/** µs per byte of a link: GB/s = 10⁹ B/s = 10³ B/µs. */
export function betaUsPerByte(link: LinkSpec): number {
  return 1 / (link.bandwidthGBps * 1e3);
}

function slowestBeta(p: Placement, f: Fabric): number {
  return betaUsPerByte(p.nodes > 1 ? f.inter : f.intra);
}

export function ringAllReduceUs(bytes: number, p: Placement, f: Fabric): number {
  const P = ranks(p);
  if (P <= 1) return 0;
  const latency = 2 * (P - p.nodes) * f.intra.alphaUs + 2 * (p.nodes - 1) * f.inter.alphaUs;
  return f.baseUs + latency + ((2 * (P - 1)) / P) * bytes * slowestBeta(p, f);
}

export function treeAllReduceUs(bytes: number, p: Placement, f: Fabric): number {
  if (ranks(p) <= 1) return 0;
  const latency =
    2 * ((p.perNode - 1) * f.intra.alphaUs + Math.ceil(Math.log2(p.nodes)) * f.inter.alphaUs);
  return f.baseUs + latency + 2 * bytes * slowestBeta(p, f);
}

export function allReduceUs(
  bytes: number,
  p: Placement,
  f: Fabric,
  algorithm: AllReduceAlgorithm,
): number {
  if (algorithm === 'ring') return ringAllReduceUs(bytes, p, f);
  if (algorithm === 'tree') return treeAllReduceUs(bytes, p, f);
  return Math.min(ringAllReduceUs(bytes, p, f), treeAllReduceUs(bytes, p, f));
}

export function ringAllGatherUs(bytesPerRank: number, p: Placement, f: Fabric): number {
  const P = ranks(p);
  if (P <= 1) return 0;
  const latency = (P - p.nodes) * f.intra.alphaUs + (p.nodes - 1) * f.inter.alphaUs;
  return f.baseUs + latency + (P - 1) * bytesPerRank * slowestBeta(p, f);
}

/**
 * Where a group of `group` consecutive ranks sits on nodes of `gpusPerNode` GPUs: inside one node
 * when it fits in one (groups start at multiples of their size, so a power-of-two group no larger
 * than a power-of-two node never straddles two), else over ⌈group / gpusPerNode⌉ whole nodes.
 * For sizes that do not divide evenly the worst group (most nodes) is taken: it sets the pace.
 */
export function placeGroup(group: number, gpusPerNode: number): Placement {
  let worstNodes = 1;
  // The group that starts at rank s spans nodes ⌊s/n⌋ … ⌊(s+g−1)/n⌋; check one period of starts.
  const period = lcm(group, gpusPerNode);
  for (let start = 0; start < period; start += group) {
    const nodes =
      Math.floor((start + group - 1) / gpusPerNode) - Math.floor(start / gpusPerNode) + 1;
    worstNodes = Math.max(worstNodes, nodes);
  }
  return { nodes: worstNodes, perNode: Math.ceil(group / worstNodes) };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
