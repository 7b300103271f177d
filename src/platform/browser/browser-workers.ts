/**
 * How many device workers a page starts when the config leaves `workers` unset: one per core
 * less one, at most one per device, at least one. The core left over is the page's: with a worker
 * on every core the page's thread waited for a core, and tasks of 15–25 ms CPU (a chart's first
 * draw, a frame's layout) took 50–90 ms. The step time of the default experiment was the same
 * with one worker as with two on a 2-core machine (small models are bound by the merges).
 * Never changes the numbers (W = 1 and W = 2 give bit-identical runs), only the speed.
 */
export function browserWorkerCount(
  cores: number,
  devices: number,
  asked: number | null = null,
): number {
  if (asked !== null) return asked;
  const usable = Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 2;
  return Math.max(1, Math.min(usable - 1, devices));
}
