import { msg, str } from '@lit/localize';
import type { RunOrigin } from '../../store/index.ts';

/** Where a PyTorch run ran, in one sentence: torch version, device, backend, processes and nodes. */
export function torchOriginText(name: string, o: RunOrigin): string {
  const { torch, device, backend, processes } = o;
  if (o.nodes !== undefined && o.nodes > 1) {
    const nodes = o.nodes;
    return msg(
      str`“${name}” was trained by PyTorch ${torch} on ${device} (${backend}), ${processes} processes on ${nodes} nodes.`,
    );
  }
  return msg(
    str`“${name}” was trained by PyTorch ${torch} on ${device} (${backend}), ${processes} processes on one node.`,
  );
}

/** The library row's short note: "from PyTorch · cpu · 4 processes". */
export function torchOriginBadge(o: RunOrigin): string {
  const { device, processes } = o;
  return o.nodes !== undefined && o.nodes > 1
    ? msg(str`from PyTorch · ${device} · ${processes} processes on ${o.nodes} nodes`)
    : msg(str`from PyTorch · ${device} · ${processes} processes`);
}
