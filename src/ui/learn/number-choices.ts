import { html } from 'lit';
import { formatSignificant } from './format.ts';

/**
 * A row of radio buttons for one number (momentum, learning rate …), as the steps that retrain on
 * a choice show it: a fieldset with its legend, each value written in the page's language.
 * `name` keys the group and the test ids (`${name}-${value}`).
 */
export function numberChoices(options: {
  readonly legend: string;
  readonly name: string;
  readonly testId: string;
  readonly values: readonly number[];
  readonly chosen: number;
  readonly onChoose: (value: number) => void;
}) {
  return html`<fieldset class="controls" data-testid=${options.testId}>
    <legend>${options.legend}</legend>
    ${options.values.map(
      (v) => html`<label class="check">
        <input
          type="radio"
          name=${options.name}
          .value=${String(v)}
          .checked=${v === options.chosen}
          data-testid=${`${options.name}-${v}`}
          @change=${() => options.onChoose(v)}
        />
        ${formatSignificant(v, 2)}
      </label>`,
    )}
  </fieldset>`;
}
