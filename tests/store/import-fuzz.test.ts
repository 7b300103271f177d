import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type RunConfig } from '../../src/config/schema.ts';
import type { Checkpoint } from '../../src/workers/checkpoint.ts';
import type { RunEvent } from '../../src/coordinator/events.ts';
import type { TrainRow } from '../../src/coordinator/run-types.ts';
import { TrainingSession } from '../../src/coordinator/session.ts';
import { nodePlatform } from '../../src/platform/node/platform.ts';
import { ImportError, type RunExport, type RunStore } from '../../src/store/index.ts';
import { openTestStore } from './helpers.ts';

/*
 * Import fuzzed: a real export (a run trained in this thread, stopped after its checkpoint at
 * step 20 of 30) mutated 320 ways, one mutation at a time, seeded. Every file is either refused
 * with an ImportError that names what is wrong, or accepted and then resumes, from the imported
 * checkpoint and config, to exactly the rows the unbroken run had. The library's other runs stay
 * byte for byte as they were.
 */

const MUTATIONS = 320;
const CHECKPOINT_STEP = 20;

const config = parseConfig({
  seed: 3,
  dataset: { name: 'spiral', train: 256, test: 64 },
  model: { preset: 'mlp', hidden: [12, 12], norm: 'batch' },
  devices: 4,
  perDeviceBatch: 8,
  bnSync: 'sync',
  optimizer: { name: 'adam', lr: 0.01 },
  steps: 30,
  evalEvery: 10,
});

async function train(
  runConfig: RunConfig,
  resumeFrom?: Checkpoint,
): Promise<{ events: RunEvent[]; rows: TrainRow[] }> {
  const events: RunEvent[] = [];
  const session = new TrainingSession(nodePlatform({ host: 'in-process' }), (e) => events.push(e));
  await session.run(runConfig, { checkpointEvery: 10, resumeFrom, emitEveryMs: 0 });
  const rows = events.flatMap((e) => (e.type === 'steps' ? e.rows : []));
  return { events, rows };
}

/** A JSON value with a small seeded generator (mulberry32). */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

/** Every node of the file, by path (long telemetry columns are sampled, not all listed). */
function paths(value: Json, at: Path = [], out: Path[] = []): Path[] {
  out.push(at);
  if (Array.isArray(value)) {
    const step = Math.max(1, Math.floor(value.length / 6));
    for (let i = 0; i < value.length; i += step) paths(value[i]!, [...at, i], out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out);
  }
  return out;
}

function get(root: Json, path: Path): Json {
  let node: Json = root;
  for (const p of path) node = (node as Record<string | number, Json>)[p]!;
  return node;
}

const EXTREMES: Json[] = [
  1e15,
  -1,
  0.5,
  2.5,
  -0.75,
  'NaN',
  'Infinity',
  '-0',
  0,
  1e308,
  2 ** 53,
  -1e15,
];
const STRINGS: Json[] = ['', 'x', 'lion', 'sgd', 'adamw', 'group:3', 'mnist', 'cnn', '{}'];

/** One mutation of `file` in place; returns what it did, for the failure message. */
function mutate(file: Json, random: () => number): string {
  const all = paths(file).filter((p) => p.length > 0);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const path = pick(all);
  const parent = get(file, path.slice(0, -1)) as Record<string | number, Json>;
  const key = path.at(-1)!;
  const value = parent[key]!;
  const where = path.join('.');
  const set = (v: Json, what: string) => {
    parent[key] = v;
    return `${where}: ${what}`;
  };
  const kind = random();
  if (kind < 0.15) {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key];
    return `${where}: deleted`;
  }
  if (kind < 0.3) {
    // Swap the type.
    if (typeof value === 'number') return set(String(value), 'number → string');
    if (typeof value === 'string') return set(value.length, 'string → number');
    if (typeof value === 'boolean') return set(String(value), 'boolean → string');
    if (Array.isArray(value)) return set({ 0: value[0] ?? null }, 'list → object');
    if (value === null) return set({}, 'null → object');
    return set([value], 'object → list');
  }
  if (typeof value === 'number') {
    const v = pick(EXTREMES);
    return set(v, `number ${value} → ${JSON.stringify(v)}`);
  }
  if (typeof value === 'string') {
    if (key === 'base64') {
      const grow = random() < 0.5;
      const n = 4 * (1 + Math.floor(random() * 3));
      return set(
        grow ? value + 'AAAA'.repeat(n / 4) : value.slice(0, Math.max(0, value.length - n)),
        grow ? `base64 grown by ${n} chars` : `base64 shrunk by ${n} chars`,
      );
    }
    const v = pick(STRINGS.filter((s) => s !== value));
    return set(v, `string ${JSON.stringify(value).slice(0, 30)} → ${JSON.stringify(v)}`);
  }
  if (typeof value === 'boolean') return set(!value, `boolean → ${!value}`);
  if (Array.isArray(value)) {
    const how = random();
    if (how < 0.25) return set(value.slice(0, Math.floor(value.length / 2)), 'list truncated');
    if (how < 0.5) {
      const i = Math.floor(random() * value.length);
      return set([...value.slice(0, i + 1), ...value.slice(i)], `list item ${i} duplicated`);
    }
    if (how < 0.75) return set([...value].reverse(), 'list reversed');
    return set([], 'list emptied');
  }
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return set(null, 'object → null');
    const k = pick(keys);
    delete value[k];
    return `${where}.${k}: deleted`;
  }
  return set(0, 'null → 0');
}

/** Everything the library holds, bytes of checkpoints included, as one comparable text. */
async function contents(store: RunStore): Promise<string> {
  const runs = await store.listRuns({ sortBy: 'createdAt' });
  const parts = await Promise.all(
    runs.map(async (run) => {
      const ck = await store.latestCheckpoint(run.id);
      const bytes = (a: Float32Array) =>
        Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return {
        run,
        metrics: await store.loadMetrics(run.id),
        checkpoint: ck && {
          ...ck,
          params: bytes(ck.params),
          buffers: bytes(ck.buffers),
          optimizer: {
            ...ck.optimizer,
            buffers: Object.fromEntries(
              Object.entries(ck.optimizer.buffers).map(([k, v]) => [k, bytes(v)]),
            ),
          },
        },
      };
    }),
  );
  return JSON.stringify(parts, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

/** A reason a person can act on: it names a part of the file, and is no stack trace. */
const NAMES_A_FIELD =
  /\b(run|metrics|checkpoint)\.[\w.[\]"]+|config is invalid: [\w.]+: |"format"|format is|file format|not valid JSON|not an object|already in the library/;

let base: RunExport;
let unbroken: TrainRow[];
let other: RunExport;

beforeAll(async () => {
  const full = await train(config);
  unbroken = full.rows;
  const checkpoint = full.events
    .flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint] : []))
    .find((c) => c.step === CHECKPOINT_STEP)!;
  // The run as a library holds it when stopped after step 20: rows, evals and telemetry to 20.
  const { store } = await openTestStore();
  const run = await store.createRun(config, 'fuzzed');
  for (const e of full.events) {
    // Events of one step each (emitEveryMs: 0), so the rows to 20 come with their telemetry.
    if (e.type === 'steps' && e.rows.every((r) => r.step <= CHECKPOINT_STEP)) {
      store.appendMetrics(run.id, { train: e.rows, telemetry: e.telemetry });
    }
    if (e.type === 'eval' && e.row.step <= CHECKPOINT_STEP)
      store.appendMetrics(run.id, { eval: [e.row] });
  }
  await store.saveCheckpoint(run.id, checkpoint);
  await store.updateRun(run.id, { status: 'stopped' });
  base = await store.exportRun(run.id);
  // Another run, to sit in the library being imported into.
  const second = await store.createRun(parseConfig({ ...base.run.config, seed: 4 }), 'bystander');
  store.appendMetrics(second.id, { train: unbroken.slice(0, CHECKPOINT_STEP) });
  await store.saveCheckpoint(second.id, checkpoint);
  other = await store.exportRun(second.id);
  await store.close();
}, 60_000);

describe('importing mutated exports', () => {
  it('the unmutated export is accepted and resumes to the unbroken run', async () => {
    expect(base.metrics.train.map((r) => r.step)).toEqual(
      Array.from({ length: CHECKPOINT_STEP }, (_, i) => i + 1),
    );
    const { store } = await openTestStore();
    const imported = await store.importRun(JSON.stringify(base));
    const ck = await store.latestCheckpoint(imported.id);
    expect(ck?.step).toBe(CHECKPOINT_STEP);
    const resumed = await train(imported.config, ck!);
    expect(resumed.rows).toEqual(unbroken.filter((r) => r.step > CHECKPOINT_STEP));
    await store.close();
  });

  it(`${MUTATIONS} seeded mutations: refused with a reason naming the field, or resumable to the same numbers; other runs untouched`, async () => {
    const { store } = await openTestStore();
    await store.importRun(other);
    const before = await contents(store);
    const random = rng(20261129);
    const baseText = JSON.stringify(base);
    const resumedRows = new Map<string, string>();
    let accepted = 0;
    let refused = 0;
    const failures: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) {
      const file = JSON.parse(baseText) as Json;
      const what = mutate(file, random);
      const result = await store.importRun(JSON.stringify(file)).then(
        (run) => ({ run }),
        (error: unknown) => ({ error }),
      );
      if ('error' in result) {
        refused++;
        const message = result.error instanceof Error ? result.error.message : String(result.error);
        if (!(result.error instanceof ImportError)) failures.push(`${what}: threw ${message}`);
        else if (!NAMES_A_FIELD.test(message) || /\n\s+at /.test(message)) {
          failures.push(`${what}: unclear reason "${message}"`);
        }
      } else {
        accepted++;
        const { run } = result;
        const ck = await store.latestCheckpoint(run.id);
        // With its checkpoint it continues from there; without one (deleted), from the start.
        // Most accepted files differ only in rows and telemetry: the same resume is run once.
        const input = JSON.stringify([
          run.config,
          ck && [...ck.params, ...ck.buffers],
          ck?.optimizer.step,
        ]);
        let rows = resumedRows.get(input);
        if (!rows) {
          rows = JSON.stringify((await train(run.config, ck ?? undefined)).rows);
          resumedRows.set(input, rows);
        }
        const from = ck?.step ?? 0;
        const expected = unbroken.filter((r) => r.step > from);
        if (rows !== JSON.stringify(expected)) {
          failures.push(`${what}: accepted but resumed to other numbers`);
        }
        await store.deleteRun(run.id);
      }
      if ((await contents(store)) !== before) {
        failures.push(`${what}: changed the library's other runs`);
        break;
      }
    }
    console.log(`import fuzz: ${accepted} accepted and resumed, ${refused} refused`);
    expect(failures).toEqual([]);
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(80);
    await store.close();
  }, 120_000);
});
