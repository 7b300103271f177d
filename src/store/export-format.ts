import { msg, str } from '@lit/localize';
import type { RunConfigInput } from '../config/schema.ts';
import { z } from '../config/zod.ts';
import type { PopulationStats } from '../coordinator/population.ts';
import type { EvalRow, TrainRow } from '../coordinator/run-types.ts';
import type { BnLayerTelemetry, Telemetry } from '../coordinator/telemetry.ts';
import type { EncodedFloat32 } from './float32-base64.ts';
import { decodeNumber, type Encoded, NUMBER_TOKENS } from './json-numbers.ts';
import { RUN_STATUSES, type RunOrigin, type RunStatus, type RunSummary } from './records.ts';
import { layerColumnNames, telemetryColumnNames } from './series.ts';

export const RUN_EXPORT_FORMAT = 'syncbn-lab/run';
export const RUN_EXPORT_VERSION = 1;

/** The file `exportRun` produces: plain JSON data, exact for every number and checkpoint byte. */
export interface RunExport {
  readonly format: typeof RUN_EXPORT_FORMAT;
  readonly version: typeof RUN_EXPORT_VERSION;
  readonly exportedAt: string;
  readonly run: {
    /** The id in the library it came from (an import gets a new one). */
    readonly id: string;
    readonly name: string;
    readonly status: RunStatus;
    readonly createdAt: number;
    readonly updatedAt: number;
    /** Input form: `npm run sim` accepts it as is. */
    readonly config: RunConfigInput;
    readonly summary: Encoded<RunSummary>;
    /** Where the numbers come from when not from the simulator (a PyTorch run); absent otherwise. */
    readonly origin?: RunOrigin;
  };
  readonly metrics: {
    readonly train: Encoded<TrainRow>[];
    readonly eval: Encoded<EvalRow>[];
    readonly telemetry: Encoded<Telemetry> | null;
  };
  readonly checkpoint?: {
    readonly step: number;
    readonly savedAt: number;
    readonly params: EncodedFloat32;
    readonly buffers: EncodedFloat32;
    readonly optimizer: {
      readonly kind: string;
      readonly step: number;
      readonly buffers: Record<string, EncodedFloat32>;
    };
    /** Ties the checkpoint to run.config (see fingerprint.ts); files before it have none. */
    readonly fingerprint?: string;
  };
}

// The schema below reads a file back; the config is only checked to be an object here, then by
// parseConfig (the app's own config schema) so that its messages name the config's fields.

const num = z.union([z.number(), z.enum(NUMBER_TOKENS).transform(decodeNumber)], {
  error: 'expected a number (or "NaN", "Infinity", "-Infinity", "-0")',
});
const count = z.number().int().min(0);
const step = count;
const time = z.number().finite();

const rowSchema = z.object({ step, loss: num, acc: num });

const populationSchema = z.object({
  channels: z.array(count),
  samples: count,
  mean: z.array(num),
  variance: z.array(num),
  runningMean: z.array(num),
  runningVar: z.array(num),
  meanGap: num,
  varGap: num,
});
/** Eval rows of files exported before `population` existed lack it. */
const evalRowSchema = rowSchema.extend({
  population: z.record(z.string(), populationSchema).optional(),
});

const float32Schema = z.object({
  dtype: z.literal('float32'),
  length: count,
  base64: z.string(),
});

const perDevice = z.array(z.array(num));
const perChannel = z.array(z.array(num));

const bnLayerSchema = z.object({
  channels: z.array(count),
  step: z.array(step),
  deviceMean: z.array(perChannel),
  deviceVar: z.array(perChannel),
  // Files exported before these columns existed lack them (completeTelemetry fills them in).
  usedMean: z.array(perChannel).optional(),
  usedVar: z.array(perChannel).optional(),
  globalMean: perChannel,
  globalVar: perChannel,
  runningMean: perChannel,
  runningVar: perChannel,
  meanNoise: perDevice,
  varNoise: perDevice,
});

/** Every column of a telemetry table has one entry per recorded step. */
function sameLength(
  table: Record<string, unknown>,
  names: readonly string[],
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  const steps = (table['step'] as unknown[]).length;
  for (const name of names) {
    const column = table[name] as unknown[] | undefined;
    if (column === undefined) continue; // an optional column absent from an older file
    const length = column.length;
    if (length !== steps) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, name],
        message: msg(
          str`has ${length} rows but ${[...path, 'step'].join('.')} has ${steps} (the file may be cut short or edited)`,
        ),
      });
    }
  }
}

const telemetrySchema = z
  .object({
    transport: z.string(),
    devices: count,
    workers: count,
    step: z.array(step),
    deviceLoss: perDevice,
    deviceAcc: perDevice,
    deviceCount: perDevice,
    computeMs: perDevice,
    waitMs: perDevice,
    collectiveCalls: z.array(num),
    bytes: z.array(num),
    bn: z.record(z.string(), bnLayerSchema),
  })
  .superRefine((t, ctx) => {
    sameLength(t, telemetryColumnNames, ctx, []);
    for (const name of ['deviceLoss', 'deviceAcc', 'deviceCount', 'computeMs', 'waitMs'] as const) {
      const row = t[name].findIndex((r) => r.length !== t.devices);
      if (row >= 0) {
        ctx.addIssue({
          code: 'custom',
          path: [name, row],
          message: msg(
            str`has ${t[name][row]!.length} values but the run had ${t.devices} devices`,
          ),
        });
      }
    }
    for (const [layer, columns] of Object.entries(t.bn)) {
      sameLength(columns, layerColumnNames, ctx, ['bn', layer]);
    }
  });

// Fails to compile when Telemetry gains or loses a field that the schema does not.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never]
  ? true
  : false;
const telemetryKeysMatch: SameKeys<z.output<typeof telemetrySchema>, Telemetry> &
  SameKeys<z.output<typeof bnLayerSchema>, BnLayerTelemetry> &
  SameKeys<z.output<typeof populationSchema>, PopulationStats> = true;
void telemetryKeysMatch;

export const runExportSchema = z.object({
  format: z.literal(RUN_EXPORT_FORMAT),
  version: z.literal(RUN_EXPORT_VERSION),
  exportedAt: z.string().optional(),
  run: z.object({
    id: z.string().optional(),
    name: z.string(),
    status: z.enum(RUN_STATUSES),
    createdAt: time,
    updatedAt: time,
    config: z.record(z.string(), z.unknown()),
    summary: z.object({
      stepsDone: count,
      steps: count,
      lastLoss: num.nullable(),
      testAcc: num.nullable(),
      testLoss: num.nullable(),
      error: z.string().optional(),
    }),
    origin: z
      .object({
        source: z.literal('pytorch'),
        torch: z.string(),
        device: z.string(),
        backend: z.string(),
        processes: z.number().int().min(1),
        nodes: z.number().int().min(1).optional(),
        fingerprint: z.string(),
      })
      .optional(),
  }),
  metrics: z.object({
    train: z.array(rowSchema),
    eval: z.array(evalRowSchema),
    telemetry: telemetrySchema.nullable(),
  }),
  checkpoint: z
    .object({
      step,
      savedAt: time,
      params: float32Schema,
      buffers: float32Schema,
      optimizer: z.object({
        kind: z.string(),
        step,
        buffers: z.record(z.string(), float32Schema),
      }),
      fingerprint: z.string().optional(),
    })
    .optional(),
});

export type ParsedRunExport = z.output<typeof runExportSchema>;
