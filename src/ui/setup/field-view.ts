import { msg, str } from '@lit/localize';
import { html, nothing, type TemplateResult } from 'lit';
import { ifDefined } from 'lit/directives/if-defined.js';
import {
  BN_SYNC_GROUP_KEY,
  type FieldSpec,
  type FormValues,
  optionText,
  SHARDING_ALPHA_KEY,
} from '../model/config-fields.ts';
import { sliderIndex } from '../model/field-layout.ts';

export type FieldChange = (key: string, value: string | boolean) => void;

/** A DOM id for a field (paths contain dots, which are valid in ids but not in CSS selectors). */
export const fieldId = (path: string): string => `f-${path.replace(/\./g, '-')}`;

/** Schema defaults as placeholders, so an empty box says what it will mean. */
function placeholder(f: FieldSpec, defaults: FormValues): string | undefined {
  if (f.emptyText) return f.emptyText;
  const d = defaults[f.path];
  return typeof d === 'string' && d !== '' ? msg(str`default ${d}`) : undefined;
}

/** How a field stands in the study the form shows. */
export interface FieldStanding {
  /** It is the setting varied side by side (its box is not used). */
  readonly varied: boolean;
  /** It has an effect in the study (see field-layout.ts); shown dimmed with a note if not. */
  readonly applies: boolean;
}

/**
 * A slider beside a number box, for the pointer: it moves over the stops and writes the box. It
 * is hidden from the keyboard and screen readers, for which the labelled box is the control
 * (it takes any value, the slider only the stops).
 */
function renderSlider(
  f: FieldSpec,
  stops: readonly number[],
  text: string,
  onChange: FieldChange,
): TemplateResult {
  return html`<input
    type="range"
    class="slider"
    data-testid=${`${fieldId(f.path)}-slider`}
    min="0"
    max=${stops.length - 1}
    step="1"
    tabindex="-1"
    aria-hidden="true"
    .value=${String(sliderIndex(stops, text))}
    @input=${(e: Event) => {
      const stop = stops[Number((e.target as HTMLInputElement).value)];
      if (stop !== undefined) onChange(f.path, String(stop));
    }}
  />`;
}

/**
 * One labelled control with its help text and its problems (role=alert only when they change,
 * through aria-describedby the screen reader reads them with the field).
 */
export function renderField(
  f: FieldSpec,
  values: FormValues,
  defaults: FormValues,
  problems: readonly string[] | undefined,
  onChange: FieldChange,
  { varied, applies }: FieldStanding,
): TemplateResult {
  const id = fieldId(f.path);
  const helpId = `${id}-help`;
  const errId = `${id}-err`;
  const invalid = (problems?.length ?? 0) > 0;
  const describedBy = [
    (f.help && applies) || !applies || varied ? helpId : '',
    invalid ? errId : '',
  ]
    .filter(Boolean)
    .join(' ');
  const value = values[f.path];
  const text = typeof value === 'string' ? value : '';
  const onText = (e: Event): void => onChange(f.path, (e.target as HTMLInputElement).value);
  const common = {
    id,
    describedBy: describedBy || undefined,
    invalid: invalid ? 'true' : undefined,
  };
  let control: TemplateResult;
  switch (f.kind.type) {
    case 'bool':
      control = html`<input
        type="checkbox"
        id=${id}
        .checked=${value === true}
        aria-describedby=${ifDefined(common.describedBy)}
        aria-invalid=${ifDefined(common.invalid)}
        @change=${(e: Event) => onChange(f.path, (e.target as HTMLInputElement).checked)}
      />`;
      break;
    case 'enum':
    case 'optional-enum': {
      const options = f.kind.type === 'optional-enum' ? ['', ...f.kind.options] : f.kind.options;
      control = html`<select
        id=${id}
        data-key=${f.path}
        aria-describedby=${ifDefined(common.describedBy)}
        aria-invalid=${ifDefined(common.invalid)}
        @change=${onText}
      >
        ${options.map(
          (o) =>
            html`<option value=${o} ?selected=${o === text}>${o === '' ? (f.emptyText ?? msg('automatic')) : optionText(f.path, o)}</option>`,
        )}
      </select>`;
      break;
    }
    case 'bn-sync':
      control = html`<span class="pair">
        <select
          id=${id}
          data-key=${f.path}
          aria-describedby=${ifDefined(common.describedBy)}
          aria-invalid=${ifDefined(common.invalid)}
          @change=${onText}
        >
          <option value="local" ?selected=${text === 'local'}>${msg('local (each device alone)')}</option>
          <option value="sync" ?selected=${text === 'sync'}>${msg('sync (SyncBN, all devices)')}</option>
          <option value="group" ?selected=${text === 'group'}>${msg('group (g devices at a time)')}</option>
        </select>
        ${
          text === 'group'
            ? html`<label class="inline"
              >g
              <input
                type="text"
                inputmode="numeric"
                size="3"
                aria-label=${msg('Devices per BN group')}
                aria-describedby=${ifDefined(invalid ? errId : undefined)}
                aria-invalid=${ifDefined(common.invalid)}
                .value=${String(values[BN_SYNC_GROUP_KEY] ?? '')}
                @input=${(e: Event) => onChange(BN_SYNC_GROUP_KEY, (e.target as HTMLInputElement).value)}
            /></label>`
            : nothing
        }
      </span>`;
      break;
    case 'sharding':
      control = html`<span class="pair">
        <select
          id=${id}
          data-key=${f.path}
          aria-describedby=${ifDefined(common.describedBy)}
          aria-invalid=${ifDefined(common.invalid)}
          @change=${onText}
        >
          <option value="iid" ?selected=${text === 'iid'}>${msg('iid (random mix)')}</option>
          <option value="label-sorted" ?selected=${text === 'label-sorted'}>${msg('label-sorted (few classes each)')}</option>
          <option value="dirichlet" ?selected=${text === 'dirichlet'}>${msg('Dirichlet (skewed mix)')}</option>
        </select>
        ${
          text === 'dirichlet'
            ? html`<label class="inline"
              >α
              <input
                type="text"
                inputmode="decimal"
                size="4"
                aria-label=${msg('Dirichlet concentration α')}
                aria-describedby=${ifDefined(invalid ? errId : undefined)}
                aria-invalid=${ifDefined(common.invalid)}
                .value=${String(values[SHARDING_ALPHA_KEY] ?? '')}
                @input=${(e: Event) => onChange(SHARDING_ALPHA_KEY, (e.target as HTMLInputElement).value)}
            /></label>`
            : nothing
        }
      </span>`;
      break;
    default: {
      const numeric = f.kind.type === 'int' || f.kind.type === 'optional-int';
      const box = html`<input
        type="text"
        id=${id}
        inputmode=${numeric ? 'numeric' : f.kind.type.endsWith('list') ? 'text' : 'decimal'}
        autocomplete="off"
        spellcheck="false"
        placeholder=${ifDefined(placeholder(f, defaults))}
        .value=${text}
        aria-describedby=${ifDefined(common.describedBy)}
        aria-invalid=${ifDefined(common.invalid)}
        @input=${onText}
      />`;
      control = f.sliderStops
        ? html`<span class="with-slider">${box}${renderSlider(f, f.sliderStops, text, onChange)}</span>`
        : box;
    }
  }
  const notes = [
    varied ? msg('varied: see “Compare”') : '',
    applies ? '' : msg(str`has no effect here: ${f.appliesWhen?.note}`),
    applies ? (f.help ?? '') : '',
  ].filter(Boolean);
  return html`<div class="field ${f.kind.type === 'bool' ? 'bool' : ''} ${applies ? '' : 'inactive'}" data-field=${f.path}>
    ${
      f.kind.type === 'bool'
        ? html`<span class="check">${control}<label for=${id}>${f.label}</label></span>`
        : html`<label for=${id}>${f.label}</label>${control}`
    }
    ${notes.length ? html`<span class="help" id=${helpId}>${notes.join(' · ')}</span>` : nothing}
    ${invalid ? html`<span class="problem" id=${errId}>${problems!.join('; ')}</span>` : nothing}
  </div>`;
}
