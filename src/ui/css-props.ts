import { noChange } from 'lit';
import {
  type AttributePart,
  Directive,
  directive,
  type PartInfo,
  PartType,
} from 'lit/directive.js';

/** CSS properties by their CSS names (`transform`, `background`, `--custom`). */
export type CssProps = Readonly<Record<string, string>>;

/**
 * `style=${cssProps({ transform: 'scaleX(0.5)' })}`: sets the properties through the CSSOM
 * (`style.setProperty`), never through the style attribute. Lit's own styleMap writes its first
 * render as a `style="…"` attribute, which is an inline style that the Content-Security-Policy
 * (src/csp.ts: style-src without 'unsafe-inline') blocks; the CSSOM is not restricted.
 */
class CssPropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style') {
      throw new Error('cssProps() belongs in the binding of a style attribute, nowhere else');
    }
  }

  render(_props: CssProps): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [props]: [CssProps]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) if (!(name in props)) style.removeProperty(name);
    for (const [name, value] of Object.entries(props)) style.setProperty(name, value);
    this.previous = new Set(Object.keys(props));
    return noChange;
  }
}

export const cssProps = directive(CssPropsDirective);
