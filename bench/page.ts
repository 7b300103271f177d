/**
 * `npm run bench:page`: how long the page's main thread is blocked while the app trains.
 *
 * Builds the app, serves it with COOP/COEP (`vite preview`), opens it in Debian's Chromium and
 * runs the default experiment (8 devices × 4, local BN then SyncBN) `--trials` times, each in a
 * fresh profile: it waits 2 s after the page loads (as a reader would), presses Run and counts the
 * page's long tasks (PerformanceObserver 'longtask': tasks over 50 ms) from then to the end, and
 * explains each long animation frame (Chromium's LoAF: scripts, rendering). With --trace it also
 * breaks each task over `--threshold` ms down from a Chromium trace: wall vs thread (CPU) time
 * tells our code apart from a thread waiting for a core.
 * Target (issue 4): no task over 50 ms.
 *   --trials <n>      runs of the default experiment (default 3)
 *   --trace           break long tasks down from a Chromium trace (tracing adds overhead)
 *   --threshold <ms>  trace tasks to break down (default 40)
 *   --categories <l>  with --trace: the trace categories (blink,cc,skia show canvas rasterization)
 *   --trace-dir <d>   keep each trial's trace as <d>/trial-N.json (DevTools → Performance opens it)
 *   --hash <x>        another experiment (the part after `#` in the app's URL)
 *   --experiment <n>  run the named experiment <n> (quick) from the Experiments section instead
 *   --profile         print where the page's main thread spent its CPU (top functions; adds
 *                     overhead)
 *   --json <file>     also write the figures
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import { startApp } from '../tools/app-harness.ts';

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string; type?: string } };
}

interface TaskBreakdown {
  wallMs: number;
  cpuMs: number;
  parts: string;
}

/** Rendering and script phases on the page's main thread, summed over the whole run. */
const PHASES = [
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'HitTest',
  'FunctionCall',
  'MinorGC',
  'MajorGC',
];

function phaseTotals(events: TraceEvent[]): string {
  const main = mainThread(events);
  if (!main) return '';
  const totals = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !PHASES.includes(e.name)) {
      continue;
    }
    const t = totals.get(e.name) ?? { ms: 0, n: 0 };
    t.ms += (e.tdur ?? e.dur ?? 0) / 1000;
    t.n++;
    totals.set(e.name, t);
  }
  return [...totals.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, v]) => `${k} ${v.ms.toFixed(0)} ms/${v.n}`)
    .join(', ');
}

interface Trial {
  longTasks: number[];
  /** Long animation frames that blocked, with where their time went (Chromium's LoAF). */
  longFrames: string[];
  traced: TaskBreakdown[];
  /** CPU time per rendering/script phase over the run (with --trace). */
  phases: string;
  seconds: number;
  /** Self time by function on the page's main thread, when profiled. */
  profile: [string, number][];
}

interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) per function, biggest first. */
function selfTimes(profile: CpuProfile, top = 15): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const self = new Map<string, number>();
  for (const [i, sample] of profile.samples.entries()) {
    const f = byId.get(sample);
    if (!f) continue;
    const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}

/** The renderer's main thread: where the page's animation frames fire. */
function mainThread(events: TraceEvent[]): { pid: number; tid: number } | null {
  // Several renderer processes may have a main thread; the one that paints is the page's.
  const thread =
    events.find((e) => e.name === 'FireAnimationFrame' || e.name === 'Paint') ??
    events.find(
      (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
    );
  return thread ? { pid: thread.pid, tid: thread.tid } : null;
}

function label(e: TraceEvent): string {
  const d = e.args?.data;
  if (e.name === 'FunctionCall' && d?.functionName) return `FunctionCall ${d.functionName}`;
  if (e.name === 'FunctionCall' && d?.url) return `FunctionCall ${d.url.split('/').pop()}`;
  if (e.name === 'EventDispatch' && d?.type) return `EventDispatch ${d.type}`;
  return e.name;
}

/** Tasks on the page's main thread longer than `thresholdMs`, with their biggest inner events. */
function breakdown(events: TraceEvent[], thresholdMs: number): TaskBreakdown[] {
  const main = mainThread(events);
  if (!main) return [];
  const onMain = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const tasks = onMain.filter(
    (e) =>
      (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') &&
      e.dur! > thresholdMs * 1000,
  );
  return tasks.map((task) => {
    const end = task.ts + task.dur!;
    const inner = new Map<string, number>();
    for (const e of onMain) {
      if (e === task || e.ts < task.ts || e.ts + e.dur! > end) continue;
      if (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') continue;
      if (e.dur! < 2000) continue;
      const key = label(e);
      inner.set(key, Math.max(inner.get(key) ?? 0, e.dur!));
    }
    const parts = [...inner.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${(v / 1000).toFixed(0)}`)
      .join(', ');
    return { wallMs: task.dur! / 1000, cpuMs: (task.tdur ?? task.dur!) / 1000, parts };
  });
}

/** Every run of the experiment has ended: "done" (or failed/stopped) and, when several, the last. */
async function runsFinished(page: Page): Promise<void> {
  const status = page.getByTestId('run-status');
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    const text = (await status.textContent()) ?? '';
    const of = /Run (\d+) of (\d+)/.exec(text);
    if (/done|failed|stopped/.test(text) && (!of || of[1] === of[2])) return;
    await page.waitForTimeout(200);
  }
  throw new Error('bench:page: the experiment did not finish within 3 minutes');
}

/** What a trial does on the page: start it, then wait until it has finished. */
interface Workload {
  readonly label: string;
  start(page: Page): Promise<void>;
  finished(page: Page): Promise<void>;
}

const trainingRun: Workload = {
  label: 'training run',
  start: (page) => page.getByRole('button', { name: 'Run', exact: true }).click(),
  finished: runsFinished,
};

/** A named experiment (quick) from the app's Experiments section, in its own worker. */
function namedExperiment(name: string): Workload {
  return {
    label: `experiment ${name} (quick)`,
    start: async (page) => {
      await page.getByTestId(`experiment-${name}`).click();
      await page.getByTestId('experiment-mode').selectOption('quick');
      await page.getByTestId('experiment-run').click();
    },
    finished: async (page) => {
      await page
        .locator(
          '[data-testid="experiment-result"]:is([data-status="completed"], [data-status="stopped"], [data-status="failed"])',
        )
        .waitFor({ timeout: 300_000 });
    },
  };
}

interface TrialOptions {
  readonly workload: Workload;
  /** Break down trace tasks longer than this. */
  readonly thresholdMs: number;
  /** Trace categories, or null for no trace. */
  readonly traceCategories: string | null;
  /** Where to keep the trace, if anywhere. */
  readonly traceFile: string | null;
  readonly profile: boolean;
}

async function trial(browser: Browser, url: string, o: TrialOptions): Promise<Trial> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  try {
    await page.goto(url);
    await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
    // A user reads the page before pressing Run; meanwhile it loads the data and the workers.
    await page.waitForTimeout(2000);
    const cdp = o.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await page.waitForTimeout(500); // starting the profiler is itself a long task
    }
    await page.evaluate(() => {
      const w = window as unknown as {
        longTasks: number[];
        longFrames: string[];
        workloadStart: number;
      };
      w.longTasks = [];
      w.longFrames = [];
      // Counted from the moment the workload starts (set just before it does): not the page load.
      w.workloadStart = Number.POSITIVE_INFINITY;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) {
          if (e.startTime >= w.workloadStart) w.longTasks.push(e.duration);
        }
      }).observe({ type: 'longtask' });
      // Long animation frames (Chromium): where a long frame's time went, without a trace.
      interface LoafScript {
        invoker: string;
        sourceFunctionName: string;
        duration: number;
        forcedStyleAndLayoutDuration: number;
      }
      interface Loaf extends PerformanceEntry {
        blockingDuration: number;
        renderStart: number;
        styleAndLayoutStart: number;
        scripts: LoafScript[];
      }
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const f = entry as Loaf;
          if (f.blockingDuration <= 0 || f.startTime < w.workloadStart) continue;
          const end = f.startTime + f.duration;
          const render = f.renderStart > 0 ? end - f.renderStart : 0;
          const layout = f.styleAndLayoutStart > 0 ? end - f.styleAndLayoutStart : 0;
          const scripts = f.scripts
            .filter((s) => s.duration >= 3)
            .map(
              (s) =>
                `${s.invoker}${s.sourceFunctionName ? ` (${s.sourceFunctionName})` : ''} ${s.duration.toFixed(0)}`,
            )
            .join(', ');
          w.longFrames.push(
            `frame ${f.duration.toFixed(0)} ms (blocking ${f.blockingDuration.toFixed(0)}): rendering ${render.toFixed(0)} (style+layout+paint ${layout.toFixed(0)})${scripts ? `; scripts: ${scripts}` : ''}`,
          );
        }
      }).observe({ type: 'long-animation-frame' });
    });
    if (o.traceCategories) {
      await browser.startTracing(page, { categories: o.traceCategories.split(',') });
    }
    const started = Date.now();
    await page.evaluate(() => {
      (window as unknown as { workloadStart: number }).workloadStart = performance.now();
    });
    await o.workload.start(page);
    await o.workload.finished(page);
    const seconds = (Date.now() - started) / 1000;
    // Let the last redraws and the library's refresh land inside the window.
    await page.waitForTimeout(1500);
    const traced = o.traceCategories ? await browser.stopTracing() : null;
    if (traced && o.traceFile) writeFileSync(o.traceFile, traced);
    const cpu = cdp ? ((await cdp.send('Profiler.stop')).profile as CpuProfile) : null;
    const { longTasks, longFrames } = await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[]; longFrames: string[] };
      return { longTasks: w.longTasks, longFrames: w.longFrames };
    });
    const events = traced
      ? (JSON.parse(traced.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents
      : [];
    return {
      longTasks,
      longFrames,
      traced: breakdown(events, o.thresholdMs),
      phases: phaseTotals(events),
      seconds,
      profile: cpu ? selfTimes(cpu) : [],
    };
  } finally {
    await context.close();
  }
}

const program = new Command()
  .name('bench:page')
  .option('--trials <n>', 'runs of the experiment', '3')
  .option('--threshold <ms>', 'break down trace tasks longer than this', '40')
  .option('--hash <x>', "another experiment: the part after '#' in the app's URL")
  .option('--experiment <name>', 'run a named experiment (quick) instead of a training run')
  .option('--trace', 'break long tasks down from a Chromium trace (adds overhead)')
  .option(
    '--categories <list>',
    'with --trace: Chromium trace categories (add blink,cc,skia to see canvas rasterization)',
    'devtools.timeline,v8,disabled-by-default-devtools.timeline',
  )
  .option(
    '--trace-dir <dir>',
    "with --trace: keep each trial's trace (open it in DevTools → Performance)",
  )
  .option('--profile', "also print where the page's main thread spent its CPU")
  .option('--json <file>', 'also write the figures as JSON')
  .parse();
const opts = program.opts<{
  trials: string;
  threshold: string;
  hash?: string;
  experiment?: string;
  trace?: boolean;
  traceDir?: string;
  categories: string;
  profile?: boolean;
  json?: string;
}>();
const trials = Number(opts.trials);
const threshold = Number(opts.threshold);
if (!Number.isInteger(trials) || trials < 1 || !(threshold > 0)) {
  console.error(
    'bench:page: --trials must be a whole number ≥ 1 and --threshold a positive number of ms',
  );
  process.exit(2);
}

const workload = opts.experiment ? namedExperiment(opts.experiment) : trainingRun;
if (opts.traceDir) mkdirSync(opts.traceDir, { recursive: true });
const app = await startApp();
console.log(`${workload.label}, ${trials} trial(s), each in a fresh browser profile`);
const results: Trial[] = [];
try {
  const url = opts.hash ? `${app.url}#${opts.hash}` : app.url;
  for (let i = 0; i < trials; i++) {
    const t = await trial(app.browser, url, {
      workload,
      thresholdMs: threshold,
      traceCategories: opts.trace ? opts.categories : null,
      traceFile: opts.traceDir ? join(opts.traceDir, `trial-${i + 1}.json`) : null,
      profile: opts.profile === true,
    });
    results.push(t);
    const worst = t.longTasks.length ? Math.max(...t.longTasks) : 0;
    console.log(
      `trial ${i + 1}: ${t.seconds.toFixed(1)} s, page tasks over 50 ms: ${t.longTasks.length ? t.longTasks.map((d) => d.toFixed(0)).join(', ') : 'none'}${worst ? ` (worst ${worst.toFixed(0)} ms)` : ''}`,
    );
    for (const b of t.traced) {
      console.log(
        `  trace task ${b.wallMs.toFixed(0)} ms wall, ${b.cpuMs.toFixed(0)} ms cpu: ${b.parts || '(no inner events)'}`,
      );
    }
    for (const f of t.longFrames) console.log(`  ${f}`);
    if (t.phases) console.log(`  main-thread cpu by phase: ${t.phases}`);
    if (t.profile.length) console.log('  main-thread self time (ms):');
    for (const [fn, ms] of t.profile) console.log(`    ${ms.toFixed(1).padStart(7)}  ${fn}`);
  }
} finally {
  await app.close();
}
const all = results.flatMap((r) => r.longTasks);
console.log(
  `page tasks over 50 ms: ${all.length} in ${trials} trial(s), worst ${all.length ? Math.max(...all).toFixed(0) : 0} ms (target: none)`,
);
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
