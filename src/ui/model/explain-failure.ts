import { msg, str } from '@lit/localize';
import type { RunConfig } from '../../config/schema.ts';

/** A failure as the app shows it: what happened in plain words, what to try, and the raw message. */
export interface Explanation {
  readonly summary: string;
  readonly advice: string | null;
  /** The engine's own message, for the curious (and for bug reports). */
  readonly detail: string;
}

/**
 * Turn an engine error into sentences a student understands. Unknown messages pass through as
 * they are: the engine's messages already name the layer or device involved.
 */
export function explainFailure(message: string, config: RunConfig | null): Explanation {
  const detail = message;
  if (/Expected more than 1 value per channel/i.test(message)) {
    const batch = config?.perDeviceBatch ?? null;
    const sync = config?.bnSync ?? 'local';
    const who =
      sync === 'local'
        ? batch === null
          ? msg('With local BN each device normalizes using only its own slice of the batch.')
          : batch === 1
            ? msg(
                'With local BN each device normalizes using only its own slice of the batch (1 example here).',
              )
            : msg(
                str`With local BN each device normalizes using only its own slice of the batch (${batch} examples here).`,
              )
        : msg(
            str`The devices that share statistics (${sync}) still have only one example between them in some layer.`,
          );
    return {
      summary: msg(
        str`Batch Normalization needs at least two values per channel to compute a variance, but a device saw only one. ${who} With one example, the mean is that example and the variance is 0, so there is nothing to normalize.`,
      ),
      advice: msg(
        'Turn on SyncBN (BN statistics: sync) so the statistics come from all devices together, or use a per-device batch of 2 or more, or a norm that does not use the batch (GroupNorm, LayerNorm).',
      ),
      detail,
    };
  }
  if (/Expected more than 1 spatial element/i.test(message)) {
    return {
      summary: msg(
        'InstanceNorm normalizes each image channel over its pixels, but this layer has only one pixel per channel.',
      ),
      advice: msg(
        'Use the CNN on MNIST (not downsampled too far), or pick LayerNorm or GroupNorm for dense layers.',
      ),
      detail,
    };
  }
  if (/MNIST: .*(answered|not a packed MNIST)/i.test(message)) {
    return {
      summary: msg('The MNIST digits could not be loaded from the server.'),
      advice: msg(
        'Start the app with `npm start` (it packs public/mnist.bin.gz first), or pick a 2-D dataset.',
      ),
      detail,
    };
  }
  if (
    /is stuck \(blocked or in an endless loop\)|are stuck \(blocked or in an endless loop\)/.test(
      message,
    )
  ) {
    const who = /^(devices? [^(]*\(worker \d+\))/.exec(message)?.[1];
    return {
      summary: who
        ? msg(
            str`A background worker (${who}) stopped responding in the middle of the run, blocked or busy in a loop, so the run was stopped at its deadline instead of waiting forever. The steps trained before it are kept.`,
          )
        : msg(
            'A background worker stopped responding in the middle of the run, blocked or busy in a loop, so the run was stopped at its deadline instead of waiting forever. The steps trained before it are kept.',
          ),
      advice: msg(
        'If the computer is very busy or the model is large, raise the collective timeout (Advanced) so each step has more time; otherwise run again.',
      ),
      detail,
    };
  }
  if (/timed? ?out|did not (reach|answer)|not answer/i.test(message)) {
    return {
      summary: msg(
        'A simulated device stopped answering while the others waited for it to exchange statistics.',
      ),
      advice: msg(
        'This usually means the computer was too busy. Try again with fewer devices or workers, or raise the collective timeout (Advanced).',
      ),
      detail,
    };
  }
  if (/worker( \d+)? crashed|script error/i.test(message)) {
    return {
      summary: msg('One of the background workers that host the devices crashed.'),
      advice: msg(
        'Reload the page and try again; if it keeps happening, use fewer devices or a smaller model.',
      ),
      detail,
    };
  }
  if (/has a non-finite input/.test(message)) {
    return {
      summary: msg(
        'The training data holds values that are not numbers (NaN or infinite), so the loss became NaN whatever the settings.',
      ),
      advice: msg(
        'Fix or drop the samples the message names. With a feature scale, keep the scaled values within float32 (below 3.4e38).',
      ),
      detail,
    };
  }
  if (/optimizer\.weightDecay .* makes the weights grow/.test(message)) {
    return {
      summary: msg(
        'Weight decay this strong makes the weights grow at every step instead of shrinking them, until they overflow.',
      ),
      advice: msg('Lower the weight decay (the message gives the limit for this learning rate).'),
      detail,
    };
  }
  if (/\bNaN\b|not finite|non-finite|diverge/i.test(message)) {
    return {
      summary: msg('Training blew up: the loss became infinite or not a number.'),
      advice: msg('Lower the learning rate, add warm-up steps, or use normalization.'),
      detail,
    };
  }
  if (/checksum|replicas? (differ|disagree)/i.test(message)) {
    return {
      summary: msg(
        'The devices’ copies of the model stopped being identical, which data-parallel training must never allow.',
      ),
      advice: msg(
        'This is a bug in the simulator; please report it with the page link (it holds the study).',
      ),
      detail,
    };
  }
  return { summary: message, advice: null, detail };
}
