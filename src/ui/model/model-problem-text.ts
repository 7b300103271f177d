import { msg, str } from '@lit/localize';
import type { ModelProblem } from '../../core/config-error.ts';

/**
 * A model or optimizer builder's problem (core, which words it only in English for the CLI) in
 * the page's language, one sentence per problem. The English is the builder's message after its
 * "path: ", word for word (tests/ui/model-problem-text-zh.test.ts keeps them equal).
 */
export function modelProblemText(p: ModelProblem): string {
  switch (p.code) {
    case 'groups-not-dividing': {
      const divisors = p.divisors.join(', ');
      return p.spatial
        ? msg(
            str`${p.groups} groups do not divide the ${p.channels} channels of ${p.after}; use a divisor of ${p.channels} (e.g. ${divisors})`,
          )
        : msg(
            str`${p.groups} groups do not divide the ${p.channels} features of ${p.after}; use a divisor of ${p.channels} (e.g. ${divisors})`,
          );
    }
    case 'instance-needs-spatial':
      return msg(
        str`"instance" needs spatial dimensions (it normalizes each channel of each sample over height × width), but ${p.after} outputs plain features; use the "cnn" preset, or "layer" or "group" norm`,
      );
    case 'cnn-needs-images':
      return msg(
        str`"cnn" needs image samples [channels, height, width], but the dataset gives [${p.shape.join(', ')}]; use "mlp" (or "bn-paper-mlp") for the 2-D sets, or dataset "mnist"`,
      );
    case 'cnn-images-too-small':
      return msg(
        str`"cnn" pools twice by 2, so images must be at least 4 × 4, got ${p.height} × ${p.width}`,
      );
    case 'nesterov-needs-momentum':
      return msg(
        'Nesterov momentum needs optimizer.momentum > 0 (got 0); set a momentum or nesterov: false',
      );
  }
}
