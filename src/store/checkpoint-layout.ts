import { msg, str } from '@lit/localize';
import type { RunConfig } from '../config/schema.ts';
import type { Checkpoint } from '../workers/checkpoint.ts';
import { buildModel } from '../core/model/build.ts';
import { makeOptimizer } from '../core/optim/make-optimizer.ts';
import { Rng } from '../core/rng.ts';
import { modelInputOf } from '../data/model-input.ts';

/** What a checkpoint of a run with this config holds: sizes of every flat array, by name. */
export interface CheckpointLayout {
  readonly params: number;
  readonly buffers: number;
  readonly optimizerKind: string;
  /** "<param name>.<slot>" → values, as the optimizer's state() names them. */
  readonly optimizerBuffers: ReadonlyMap<string, number>;
}

/** Build the model and optimizer the config describes (a throwaway replica) and read their sizes. */
export function checkpointLayout(config: RunConfig): CheckpointLayout {
  const model = buildModel(
    config.model,
    modelInputOf(config.dataset),
    Rng.stream(config.seed, 'init'),
  );
  const params = model.params();
  const optimizer = makeOptimizer(config.optimizer, params);
  const state = optimizer.state();
  return {
    params: params.reduce((n, p) => n + p.value.length, 0),
    buffers: model.buffers().reduce((n, b) => n + b.value.length, 0),
    optimizerKind: state.kind,
    optimizerBuffers: new Map(Object.entries(state.buffers).map(([k, v]) => [k, v.length])),
  };
}

/**
 * The problems that keep `checkpoint` from being restored into the model `config` builds, each
 * naming the field of the export file; empty when it fits.
 */
export function checkpointMismatches(checkpoint: Checkpoint, config: RunConfig): string[] {
  const layout = checkpointLayout(config);
  const problems: string[] = [];
  const preset = config.model.preset;
  if (checkpoint.params.length !== layout.params) {
    problems.push(
      msg(
        str`checkpoint.params holds ${checkpoint.params.length} numbers but the ${preset} model of run.config has ${layout.params} parameters`,
      ),
    );
  }
  if (checkpoint.buffers.length !== layout.buffers) {
    problems.push(
      msg(
        str`checkpoint.buffers holds ${checkpoint.buffers.length} numbers but the ${preset} model of run.config has ${layout.buffers} buffer values (running statistics)`,
      ),
    );
  }
  const { optimizer } = checkpoint;
  if (optimizer.kind !== layout.optimizerKind) {
    problems.push(
      msg(
        str`checkpoint.optimizer.kind is ${JSON.stringify(optimizer.kind)} but run.config.optimizer.name is "${layout.optimizerKind}"`,
      ),
    );
    return problems;
  }
  if (optimizer.step !== checkpoint.step) {
    problems.push(
      msg(
        str`checkpoint.optimizer.step is ${optimizer.step} but the checkpoint is at step ${checkpoint.step} (one optimizer step per training step)`,
      ),
    );
  }
  for (const [name, length] of layout.optimizerBuffers) {
    const saved = optimizer.buffers[name];
    if (!saved) problems.push(msg(str`checkpoint.optimizer.buffers has no "${name}"`));
    else if (saved.length !== length) {
      problems.push(
        msg(
          str`checkpoint.optimizer.buffers["${name}"] holds ${saved.length} numbers but the parameter has ${length}`,
        ),
      );
    }
  }
  for (const name of Object.keys(optimizer.buffers)) {
    if (!layout.optimizerBuffers.has(name)) {
      problems.push(
        msg(
          str`checkpoint.optimizer.buffers["${name}"] belongs to no parameter of the ${preset} model of run.config`,
        ),
      );
    }
  }
  return problems;
}
