import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * axe-core's accessibility checks on a page of the app, for the E2E tests. axe is evaluated
 * through the DevTools protocol (Playwright's evaluate), which the page's Content-Security-Policy
 * does not apply to, so the policy stays strict and the harness's violation check stays green.
 */
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

export interface AxeViolation {
  readonly id: string;
  readonly help: string;
  readonly nodes: readonly { readonly target: unknown; readonly html: string }[];
}

/** axe-core's violations on the page as it is now (WCAG 2.x A/AA and best-practice rules). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document);
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html.slice(0, 200) })),
    }));
  });
}

/** One line per node that breaks a rule: the rule, the node's selector and its HTML. */
export function violationLines(violations: readonly AxeViolation[]): string[] {
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id}: ${v.help} ${JSON.stringify(n.target)} ${n.html}`),
  );
}

/** The violations as text for an assertion's message ('' when there are none). */
export function describeAxeViolations(violations: readonly AxeViolation[]): string {
  return violationLines(violations).join('\n');
}
