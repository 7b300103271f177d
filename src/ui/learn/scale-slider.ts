import { msg, str } from '@lit/localize';
import { html } from 'lit';
import { formatSignificant, SCALE_POSITIONS, scaleAt } from './format.ts';

/**
 * The slider that sets x₂'s scale (1…100, log steps), shared by the steps that stretch the same
 * two features (feature scaling, z-score). Its label names the scale in the reader's language.
 */
export function scaleSlider(position: number, onPosition: (position: number) => void) {
  const scale = formatSignificant(scaleAt(position));
  return html`<label class="control" for="scale">
    <span>${msg(str`Scale of x₂: ${scale}`)}</span>
    <input
      id="scale"
      type="range"
      min="0"
      max=${SCALE_POSITIONS}
      step="1"
      .value=${String(position)}
      aria-valuetext=${scale}
      data-testid="scale"
      @input=${(e: Event) => onPosition(Number((e.target as HTMLInputElement).value))}
    />
  </label>`;
}
