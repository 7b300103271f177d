import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LoadedCurves, RunRecord } from '../../store/index.ts';
import type { ComparedRun } from '../library/sbl-compare-view.ts';

/** Where saved runs come from (the library's store controller). */
export interface CompareSource {
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Train and eval rows only: the telemetry of a long run is large and the curves do not use it. */
  loadCurves(id: string): Promise<LoadedCurves | null>;
}

/** The saved runs with their curves, in the order asked; a run gone from the store is left out. */
export async function loadComparedRuns(
  ids: readonly string[],
  source: CompareSource,
): Promise<ComparedRun[]> {
  const loaded: ComparedRun[] = [];
  for (const id of ids) {
    const run = await source.getRun(id);
    const metrics = await source.loadCurves(id);
    if (run && metrics)
      loaded.push({
        id,
        label: run.name,
        config: run.config,
        train: metrics.train,
        eval: metrics.eval,
        ...(run.origin ? { origin: run.origin } : {}),
      });
  }
  return loaded;
}

/** The saved runs the compare view overlays: loaded from the library, closed, or one deleted. */
export class CompareController implements ReactiveController {
  runs: readonly ComparedRun[] = [];

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly source: CompareSource,
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  async load(ids: readonly string[]): Promise<void> {
    this.runs = await loadComparedRuns(ids, this.source);
    this.host.requestUpdate();
  }

  close(): void {
    this.runs = [];
    this.host.requestUpdate();
  }

  /** A run deleted from the library leaves the comparison too. */
  forget(id: string): void {
    this.runs = this.runs.filter((r) => r.id !== id);
    this.host.requestUpdate();
  }
}
