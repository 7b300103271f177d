/**
 * What a model or optimizer builder found wrong with the values it was given, as data: the CLI
 * prints the error's English message, the app words the same facts in the page's language
 * (src/ui/model/model-problem-text.ts). `path` is the config key the problem is shown at.
 */
export type ModelProblem =
  | {
      readonly code: 'groups-not-dividing';
      readonly path: 'model.normOptions.groups';
      readonly groups: number;
      readonly channels: number;
      /** Conv channels (true) or dense features (false). */
      readonly spatial: boolean;
      /** The layer normalized ("fc1", "conv2"). */
      readonly after: string;
      /** The first few divisors of `channels`, to suggest. */
      readonly divisors: readonly number[];
    }
  | { readonly code: 'instance-needs-spatial'; readonly path: 'model.norm'; readonly after: string }
  | {
      readonly code: 'cnn-needs-images';
      readonly path: 'model.preset';
      readonly shape: readonly number[];
    }
  | {
      readonly code: 'cnn-images-too-small';
      readonly path: 'model.preset';
      readonly height: number;
      readonly width: number;
    }
  | { readonly code: 'nesterov-needs-momentum'; readonly path: 'optimizer.nesterov' };

/**
 * A value the user chose cannot work (groups that do not divide a width, a CNN on 2-D points, …).
 * The message names the config key (`model.normOptions.groups: …`) and what would work; the CLI
 * reports it as bad input and the app shows it at the field. Declared in core because the model
 * and optimizer builders find some of these problems; src/config re-exports it. A builder's error
 * also carries its problem as data (`problem`), so the app can say it in the page's language.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problem: ModelProblem | undefined;

  constructor(message: string, problem?: ModelProblem) {
    super(message);
    this.problem = problem;
  }
}
