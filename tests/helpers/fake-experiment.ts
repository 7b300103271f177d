import type { Experiment, Finding } from '../../src/experiments/kit/types.ts';
import { StoppedError } from '../../src/experiments/kit/types.ts';

export interface FakeRow {
  readonly unit: number;
  readonly part: number;
  readonly value: number;
}

/** An experiment without training: `units` units of two rows each; unit `stopAt` waits for a stop. */
export function fakeExperiment(options: {
  units: number;
  stopAt?: number;
  runs?: number[];
}): Experiment<FakeRow, Finding> {
  return {
    name: 'batch-size',
    title: 'fake',
    question: 'fake?',
    answer: 'fake.',
    reference: 'none',
    seeds: () => [1],
    units: () =>
      Array.from({ length: options.units }, (_, u) => ({
        key: `u${u}`,
        cost: u + 1,
        run: async (ctx) => {
          options.runs?.push(u);
          ctx.progress(0.5);
          if (u === options.stopAt) {
            // Stand-in for a long unit that notices the stop request part-way.
            if (ctx.shouldStop()) throw new StoppedError();
          }
          return [
            { unit: u, part: 0, value: u * 10 },
            { unit: u, part: 1, value: u * 10 + 1 },
          ];
        },
      })),
    rowKey: (r) => `u${r.unit}`,
    finding: (rows) => ({
      checks: [
        { id: 'rows', claim: 'has rows', holds: rows.length > 0, values: { rows: rows.length } },
      ],
    }),
    figure: (result) => ({
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'fake figure',
      data: { values: result.rows.map((r) => ({ ...r })) },
      mark: 'point',
      encoding: {
        x: { field: 'unit', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative' },
      },
    }),
  };
}
