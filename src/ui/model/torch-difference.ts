import type { EvalRow, TrainRow } from '../../coordinator/run-types.ts';

/** One step both runs trained: their losses and how far apart they are. */
export interface StepDifference {
  readonly step: number;
  readonly simulated: number;
  readonly pytorch: number;
  /** |PyTorch − simulated|. */
  readonly absolute: number;
  /** |PyTorch − simulated| / |simulated| (null where the simulated loss is 0 or not finite). */
  readonly relative: number | null;
}

export interface Largest {
  readonly step: number;
  readonly value: number;
}

/** The per-step difference of a PyTorch run from the simulated run it reproduces. */
export interface TorchDifference {
  /** Train loss at every step both have, in step order. */
  readonly steps: readonly StepDifference[];
  /** Test loss and accuracy at every evaluation both have. */
  readonly evals: readonly {
    readonly step: number;
    readonly simulatedLoss: number;
    readonly pytorchLoss: number;
    readonly simulatedAcc: number;
    readonly pytorchAcc: number;
  }[];
  readonly maxAbsolute: Largest | null;
  readonly maxRelative: Largest | null;
  /** Steps the PyTorch run trained that the simulated one has no row for (or the reverse). */
  readonly unmatched: number;
}

/**
 * Step by step, the train loss of the two runs and their difference, absolute and relative to
 * the simulator's (the measure the torch-run test bounds by 1e-4), with the largest of each.
 * Only steps both recorded are compared; a non-finite loss on either side counts as unmatched.
 */
export function torchDifference(
  simulated: { readonly train: readonly TrainRow[]; readonly eval: readonly EvalRow[] },
  pytorch: { readonly train: readonly TrainRow[]; readonly eval: readonly EvalRow[] },
): TorchDifference {
  const simByStep = new Map(simulated.train.map((r) => [r.step, r.loss]));
  const steps: StepDifference[] = [];
  let unmatched = 0;
  let maxAbsolute: Largest | null = null;
  let maxRelative: Largest | null = null;
  for (const row of pytorch.train) {
    const sim = simByStep.get(row.step);
    if (sim === undefined || !Number.isFinite(sim) || !Number.isFinite(row.loss)) {
      unmatched++;
      continue;
    }
    const absolute = Math.abs(row.loss - sim);
    const relative = sim !== 0 ? absolute / Math.abs(sim) : null;
    steps.push({ step: row.step, simulated: sim, pytorch: row.loss, absolute, relative });
    if (!maxAbsolute || absolute > maxAbsolute.value)
      maxAbsolute = { step: row.step, value: absolute };
    if (relative !== null && (!maxRelative || relative > maxRelative.value))
      maxRelative = { step: row.step, value: relative };
  }
  const simEval = new Map(simulated.eval.map((r) => [r.step, r]));
  const evals = pytorch.eval.flatMap((r) => {
    const sim = simEval.get(r.step);
    return sim
      ? [
          {
            step: r.step,
            simulatedLoss: sim.loss,
            pytorchLoss: r.loss,
            simulatedAcc: sim.acc,
            pytorchAcc: r.acc,
          },
        ]
      : [];
  });
  return { steps, evals, maxAbsolute, maxRelative, unmatched };
}
