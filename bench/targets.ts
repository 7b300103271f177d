/** A figure the project promises, as the bench measured it in this run. */
export interface Target {
  readonly name: string;
  readonly value: number;
  /** The measurement in words, e.g. "3.1 / 2.9 ms = 1.07×". */
  readonly text: string;
  /** e.g. "≤ 1.5". */
  readonly target: string;
  readonly met: boolean;
}

/** Every target with its measured value and pass/miss, one line each. */
export function printTargets(targets: readonly Target[], print: (line: string) => void): void {
  if (targets.length === 0) return;
  print('\n== targets (measured in this run) ==');
  for (const t of targets) {
    print(`  ${t.met ? 'PASS' : 'MISS'}  ${t.name}: ${t.text} (target ${t.target})`);
  }
}
