import { describe, expect, it } from 'vitest';
import { spreadChunks } from '../../src/coordinator/trainer.ts';
import { trainWith } from './harness.ts';

/*
 * Evaluation splits the test set into chunks (EVAL_CHUNK = 256 for running statistics, evalBatch
 * for evalMode "batch"). Every test size must be covered exactly once; the old code folded a lone
 * last sample into the previous chunk and then emitted it again (257 → "covered 258 of 257").
 */
const SIZES = [1, 2, 3, 5, 8, 32, 256];

describe('spreadChunks', () => {
  it('covers every index exactly once, never leaves a batch of one, and assigns chunks independent of K (n = 1…1100)', () => {
    for (const size of SIZES) {
      for (let n = 1; n <= 1100; n++) {
        const reference = spreadChunks(n, size, 1)[0]!;
        // Coverage: consecutive chunks 0…n−1, each index once.
        let next = 0;
        for (const chunk of reference) {
          for (const i of chunk) {
            if (i !== next)
              throw new Error(`n=${n} size=${size}: index ${i} where ${next} was due`);
            next++;
          }
          if (chunk.length > size + 1 || chunk.length === 0)
            throw new Error(`n=${n} size=${size}: chunk of ${chunk.length}`);
          // Batch statistics need ≥ 2 samples: only a test set of 1 or evalBatch 1 gives fewer.
          if (chunk.length === 1 && n >= 2 && size >= 2)
            throw new Error(`n=${n} size=${size}: a batch of one`);
        }
        if (next !== n) throw new Error(`n=${n} size=${size}: covered ${next} of ${n}`);
        // Chunk j goes to device j mod K, so the chunks (and their statistics) never depend on K.
        for (let K = 2; K <= 8; K++) {
          const spread = spreadChunks(n, size, K);
          const count = spread.reduce((m, d) => m + d.length, 0);
          if (count !== reference.length)
            throw new Error(`n=${n} size=${size} K=${K}: ${count} chunks, not ${reference.length}`);
          reference.forEach((chunk, j) => {
            const got = spread[j % K]![Math.floor(j / K)]!;
            if (got.length !== chunk.length || got[0] !== chunk[0])
              throw new Error(`n=${n} size=${size} K=${K}: chunk ${j} differs`);
          });
        }
      }
    }
    expect(spreadChunks(257, 256, 2).map((d) => d.map((c) => c.length))).toEqual([[257], []]);
  });
});

describe('evaluation covers test sets one above a multiple of the chunk', () => {
  const base = {
    seed: 2,
    model: { preset: 'mlp' as const, hidden: [8] },
    devices: 3,
    perDeviceBatch: 4,
    bnSync: 'sync' as const,
    steps: 2,
    evalEvery: 1,
  };
  it('running statistics, test = 257 and 513', async () => {
    for (const test of [257, 513]) {
      const run = await trainWith(
        { ...base, dataset: { name: 'blobs', train: 64, test } },
        'in-process',
      );
      expect(run.result.eval).toHaveLength(2);
      expect(Number.isFinite(run.result.final.testLoss)).toBe(true);
    }
  });
  it('evalMode "batch", test = 5·evalBatch + 1', async () => {
    const run = await trainWith(
      {
        ...base,
        dataset: { name: 'blobs', train: 64, test: 41 },
        evalMode: 'batch',
        evalBatch: 8,
      },
      'in-process',
    );
    expect(run.result.eval).toHaveLength(2);
    expect(Number.isFinite(run.result.final.testLoss)).toBe(true);
  });
});
