/**
 * `npm run bench:page`: how long the page's main thread is blocked while the app trains, and
 * while it shows a long finished run.
 *
 * Builds the app, serves it with COOP/COEP (`vite preview`), opens it in Debian's Chromium and
 * counts the page's long tasks (PerformanceObserver 'longtask': tasks over 50 ms) phase by phase,
 * explaining each long animation frame (Chromium's LoAF: scripts, rendering):
 * 1. `--trials` times, each in a fresh profile, the default study (the app's own, e.g. 8 devices ×
 *    4, local BN then SyncBN): 2 s after the page loads (as a reader would) it presses Run;
 *    phases "during the run" (to the end) and "after the run" (1.5 s more).
 * 2. Then, in one fresh profile, the same study trained for `--long-steps` steps (default 5,000)
 *    and its finished runs shown every way the page shows them: the live view as it ends, its
 *    device panel with each device shown and variance picked, its smoothing changed, the page
 *    reloaded with the runs in the library, one run shown and two compared from the library,
 *    and the compare view's smoothing changed; each a phase of its own (the action, then 2.5 s).
 * 3. Then, in one fresh profile, the Learn path (`#learn/1` … `#learn/7`): each step opened and
 *    its control operated (sliders, toggles, choices; steps 4 and 5 train in the coordinator
 *    worker and retrain on a choice, step 6 trains four norms), each a phase of its own; the
 *    issue's target for every widget is the same: no main-thread task over 50 ms.
 * With --trace it also gives each phase's longest task from a Chromium trace, wall time and the
 * most CPU one task took (wall vs thread time tells our code apart from a thread waiting for a
 * core: the machine may be shared), and breaks each task over `--threshold` ms down.
 * Target (issues 4 and 11): no task over 50 ms.
 *   --trials <n>      runs of the default study (default 3; 0: none)
 *   --long-steps <n>  steps of the long study whose finished runs are shown (default 5000; 0: skip)
 *   --trace           per-phase longest tasks (wall, CPU) and a breakdown from a Chromium trace
 *                     (tracing adds overhead)
 *   --threshold <ms>  trace tasks to break down (default 40)
 *   --categories <l>  with --trace: the trace categories (blink,cc,skia show canvas rasterization)
 *   --trace-dir <d>   keep each trial's trace as <d>/trial-N.json and <d>/long-run.json
 *                     (DevTools → Performance opens it)
 *   --no-learn        skip the Learn path (`--trials 0 --long-steps 0` runs only it)
 *   --learn-lang <c>  the Learn path in language <c> (`?lang=`, e.g. zh-CN)
 *   --hash <x>        another study (the part after `#` in the app's URL; the long run trains it
 *                     as it is, without --long-steps)
 *   --experiment <n>  run the named experiment <n> (quick) from the Experiments section instead
 *   --profile         print where the page's main thread spent its CPU (top functions; adds
 *                     overhead, and restarting the profiler on the reload is itself a long task)
 *   --json <file>     also write the figures
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { Browser, Page } from 'playwright-core';
import { libraryReady, startApp } from '../tools/app-harness.ts';
import { DEFAULT_STUDY } from '../src/ui/model/presets.ts';
import { encodeStudyHash } from '../src/ui/model/study-hash.ts';

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
  /** Each phase of the trial with the page's long tasks and long frames in it. */
  phases: PhaseFigures[];
  traced: TaskBreakdown[];
  /** CPU time per rendering/script phase over the run (with --trace). */
  cpuByPhase: string;
  /** Self time by function on the page's main thread, when profiled. */
  profile: [string, number][];
}

/** What the page did in one phase of a trial (a run, the time after it, opening a saved run…). */
interface PhaseFigures {
  readonly label: string;
  readonly seconds: number;
  /** Durations (ms) of the page's tasks over 50 ms (Long Tasks API), in order. */
  readonly longTasks: number[];
  /** Long animation frames that blocked, with where their time went (Chromium's LoAF). */
  readonly longFrames: string[];
  /** With --trace: the longest task on the page's main thread in this phase (ms, wall). */
  longestTraced: number | null;
  /** With --trace: the most CPU time one task of the phase took (ms): our code, not waiting. */
  longestTracedCpu: number | null;
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

/** The longest task on the main thread between each phase's marks (performance.mark in the trace). */
function longestPerPhase(events: TraceEvent[], phases: PhaseFigures[]): void {
  for (const phase of phases) {
    const start = events.find((e) => e.name === `bench:${phase.label}:start`);
    const end = events.find((e) => e.name === `bench:${phase.label}:end`);
    if (!start || !end) continue;
    let longest = 0;
    let longestCpu = 0;
    for (const e of events) {
      if (e.pid !== start.pid || e.tid !== start.tid || e.ph !== 'X' || e.dur === undefined) {
        continue;
      }
      if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
      if (e.ts + e.dur < start.ts || e.ts > end.ts) continue;
      longest = Math.max(longest, e.dur / 1000);
      longestCpu = Math.max(longestCpu, (e.tdur ?? e.dur) / 1000);
    }
    phase.longestTraced = longest;
    phase.longestTracedCpu = longestCpu;
  }
}

/** Every run of the study has ended: "done" (or failed/stopped) and, when several, the last. */
async function runsFinished(page: Page, timeoutMs: number): Promise<void> {
  const status = page.getByTestId('run-status');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const text = (await status.textContent()) ?? '';
    const of = /Run (\d+) of (\d+)/.exec(text);
    if (/done|failed|stopped/.test(text) && (!of || of[1] === of[2])) return;
    await page.waitForTimeout(200);
  }
  throw new Error(`bench:page: the study did not finish within ${timeoutMs / 60_000} minutes`);
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
  finished: (page) => runsFinished(page, 180_000),
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

/**
 * Installed before any of the page's scripts, on every load: the page's long tasks (over 50 ms)
 * and long animation frames, each with its start on the page's clock, so each phase picks its own.
 */
function observeLongWork(): void {
  interface LoafScript {
    invoker: string;
    sourceFunctionName: string;
    duration: number;
  }
  interface Loaf extends PerformanceEntry {
    blockingDuration: number;
    renderStart: number;
    styleAndLayoutStart: number;
    scripts: LoafScript[];
  }
  const w = window as unknown as {
    benchTasks: { start: number; ms: number }[];
    benchFrames: { start: number; text: string }[];
  };
  w.benchTasks = [];
  w.benchFrames = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.benchTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const f = entry as Loaf;
      if (f.blockingDuration <= 0) continue;
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
      w.benchFrames.push({
        start: f.startTime,
        text: `frame ${f.duration.toFixed(0)} ms (blocking ${f.blockingDuration.toFixed(0)}): rendering ${render.toFixed(0)} (style+layout+paint ${layout.toFixed(0)})${scripts ? `; scripts: ${scripts}` : ''}`,
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

/**
 * Runs `action` as a phase: the page's long tasks and frames that start between its beginning and
 * `settleMs` after it returns. `fromLoad` counts from the page's time origin (a reload's phase).
 */
async function phase(
  page: Page,
  label: string,
  action: () => Promise<void>,
  settleMs: number,
  fromLoad = false,
): Promise<PhaseFigures> {
  const mark = (name: string): Promise<number> =>
    page.evaluate((n) => {
      performance.mark(n);
      return performance.now();
    }, name);
  const started = Date.now();
  // Marked on the page before a reload too: the trace keeps it, the new page's clock starts at 0.
  const marked = await mark(`bench:${label}:start`);
  const from = fromLoad ? 0 : marked;
  await action();
  await page.waitForTimeout(settleMs);
  const to = await mark(`bench:${label}:end`);
  const seen = await page.evaluate(
    ([f, t]) => {
      const w = window as unknown as {
        benchTasks: { start: number; ms: number }[];
        benchFrames: { start: number; text: string }[];
      };
      // No named function here: tsx would wrap it in a helper the page does not have.
      return {
        tasks: w.benchTasks.filter((x) => x.start >= f && x.start < t).map((x) => x.ms),
        frames: w.benchFrames.filter((x) => x.start >= f && x.start < t).map((x) => x.text),
      };
    },
    [from, to] as const,
  );
  return {
    label,
    seconds: (Date.now() - started) / 1000,
    longTasks: seen.tasks,
    longFrames: seen.frames,
    longestTraced: null,
    longestTracedCpu: null,
  };
}

interface TrialOptions {
  /** Break down trace tasks longer than this. */
  readonly thresholdMs: number;
  /** Trace categories, or null for no trace. */
  readonly traceCategories: string | null;
  /** Where to keep the trace, if anywhere. */
  readonly traceFile: string | null;
  readonly profile: boolean;
}

/** The phases a trial goes through on one page (in a fresh browser profile). */
type Script = (page: Page) => Promise<PhaseFigures[]>;

/** The lab is ready when Run is; a reader looks at it for 2 s (it loads the data and workers). */
async function labReady(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Run', exact: true }).waitFor();
  await page.waitForTimeout(2000);
}

async function trial(
  browser: Browser,
  url: string,
  script: Script,
  o: TrialOptions,
  ready: (page: Page) => Promise<void> = labReady,
) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(observeLongWork);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  try {
    await page.goto(url);
    // A user reads the page before acting; meanwhile it loads what it needs.
    await ready(page);
    const cdp = o.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
      await page.waitForTimeout(500); // starting the profiler is itself a long task
    }
    if (o.traceCategories) {
      await browser.startTracing(page, {
        categories: [...o.traceCategories.split(','), 'blink.user_timing'],
      });
    }
    const phases = await script(page);
    const traced = o.traceCategories ? await browser.stopTracing() : null;
    if (traced && o.traceFile) writeFileSync(o.traceFile, traced);
    const cpu = cdp ? ((await cdp.send('Profiler.stop')).profile as CpuProfile) : null;
    const events = traced
      ? (JSON.parse(traced.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents
      : [];
    if (traced) longestPerPhase(events, phases);
    return {
      phases,
      traced: breakdown(events, o.thresholdMs),
      cpuByPhase: phaseTotals(events),
      profile: cpu ? selfTimes(cpu) : [],
    } satisfies Trial;
  } finally {
    await context.close();
  }
}

/** One workload (a short training run, or an experiment), then the page settling after it. */
function workloadScript(workload: Workload): Script {
  return async (page) => [
    await phase(
      page,
      'during the run',
      async () => {
        await workload.start(page);
        await workload.finished(page);
      },
      0,
    ),
    // The last redraws, the takeaway and the library's refresh.
    await phase(page, 'after the run', async () => {}, 1500),
  ];
}

/**
 * A long study trained through the page, then shown every way the page shows a finished run:
 * the live view as it ends, its device panel and smoothing changed, the page reloaded with the
 * saved runs in the library, one run shown and both compared from the library.
 */
function longRunScript(steps: number): Script {
  const settle = 2500;
  return async (page) => {
    const phases: PhaseFigures[] = [];
    phases.push(
      await phase(
        page,
        `during the ${steps}-step runs`,
        async () => {
          await page.getByRole('button', { name: 'Run', exact: true }).click();
          await runsFinished(page, 20 * 60_000);
        },
        0,
      ),
    );
    phases.push(await phase(page, 'finished: live view', async () => {}, settle));
    phases.push(
      await phase(
        page,
        'live view: each device shown, variance',
        async () => {
          await page.getByTestId('show-devices').check();
          await page
            .locator('sbl-device-panel')
            .getByRole('combobox', { name: /^Statistic/ })
            .selectOption('var');
        },
        settle,
      ),
    );
    phases.push(
      await phase(
        page,
        'live view: smoothing changed',
        async () => page.getByTestId('smoothing').first().fill('0.3'),
        settle,
      ),
    );
    phases.push(
      await phase(
        page,
        'reload with the saved runs',
        async () => {
          await page.reload();
          await libraryReady(page, 60_000);
          await page.getByTestId('run-row').first().waitFor();
        },
        settle,
        true,
      ),
    );
    const rows = page.getByTestId('run-row');
    phases.push(
      await phase(
        page,
        'library: show one run',
        async () => {
          await rows.first().getByRole('button', { name: 'Show' }).click();
          await page.getByTestId('compare-view').waitFor();
        },
        settle,
      ),
    );
    phases.push(
      await phase(
        page,
        'library: compare two runs',
        async () => {
          const count = await rows.count();
          for (let i = 0; i < Math.min(2, count); i++) {
            await rows.nth(i).getByRole('checkbox').check();
          }
          await page.getByRole('button', { name: /Compare selected/ }).click();
          await page.getByText(/Comparing \d+ saved runs/).waitFor();
        },
        settle,
      ),
    );
    phases.push(
      await phase(
        page,
        'library compare: smoothing changed',
        async () => page.locator('sbl-compare-view').getByTestId('smoothing').fill('0'),
        settle,
      ),
    );
    return phases;
  };
}

/** The Learn view shows step `n` with its own element loaded (its code arrives lazily). */
async function learnStepShown(page: Page, n: number): Promise<void> {
  await page.locator(`[data-testid="learn-view"][data-step="${n}"]`).waitFor({ timeout: 30_000 });
  await page.getByTestId('learn-step-body').locator('.try').waitFor({ timeout: 30_000 });
}

/** The step's training (in a worker) has finished; it shows its progress while it runs. */
async function learnTrained(page: Page): Promise<void> {
  await page
    .getByTestId('learn-step-body')
    .locator('[data-testid="train-status"][data-state="done"]')
    .waitFor({ timeout: 300_000 });
}

/** Pick a choice that retrains the step's widget, and wait until the new training has finished. */
async function learnRetrain(page: Page, testId: string): Promise<void> {
  await page.getByTestId(testId).check();
  // The retraining has begun (so the "done" awaited next is its own), unless it is already over.
  await page
    .getByTestId('learn-step-body')
    .locator('[data-testid="train-status"][data-state="training"]')
    .waitFor({ timeout: 5_000 })
    .catch(() => {});
  await learnTrained(page);
}

/**
 * How long each control move took to show (the issue: "responds in well under a second"): from
 * the key press to the first animation frame whose step text (shadow roots included: numbers,
 * captions, tables) differs from before it. Keyed by the control; a move that changes nothing
 * shown (a slider already at its end) is counted apart.
 */
const responses = new Map<string, { ms: number[]; unchanged: number }>();

type WithStepText = typeof globalThis & { __learnStepText?: () => string };

/**
 * Installs, in the page, the step body's text with its shadow roots' (what the response measure
 * compares). Installed once per page; the page's CSP forbids eval, so it is not sent as a string.
 */
function installStepText(): void {
  const g = globalThis as WithStepText;
  if (g.__learnStepText) return;
  const find = (root: Document | ShadowRoot): Element | null => {
    const hit = root.querySelector('[data-testid="learn-step-body"]');
    if (hit) return hit;
    for (const el of Array.from(root.querySelectorAll('*'))) {
      const inner = el.shadowRoot ? find(el.shadowRoot) : null;
      if (inner) return inner;
    }
    return null;
  };
  g.__learnStepText = () => {
    const parts: string[] = [];
    const walk = (node: Node): void => {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      const shadow = (node as Element).shadowRoot;
      if (shadow) walk(shadow);
      for (const child of Array.from(node.childNodes)) walk(child);
    };
    const body = find(document);
    if (body) walk(body);
    return parts.join('\u0001');
  };
}

/** Keys pressed on a focused control, a frame apart (a reader dragging or stepping a slider). */
async function pressOn(page: Page, testId: string, keys: readonly string[]): Promise<void> {
  // tsx keeps function names with a `__name` helper the page does not have.
  await page.evaluate('globalThis.__name = globalThis.__name || ((f) => f)');
  await page.evaluate(installStepText);
  await page.getByTestId(testId).focus();
  const control = `${new URL(page.url()).hash.slice(1)} ${testId}`; // e.g. "learn/2 scale"
  const figures = responses.get(control) ?? { ms: [], unchanged: 0 };
  responses.set(control, figures);
  for (const key of keys) {
    const before = await page.evaluate(() => (globalThis as WithStepText).__learnStepText?.());
    const start = await page.evaluate(() => performance.now());
    await page.keyboard.press(key);
    const shown = await page
      .waitForFunction(
        (prior) => {
          const text = (globalThis as WithStepText).__learnStepText?.();
          return text !== prior ? performance.now() : false;
        },
        before,
        { polling: 'raf', timeout: 3_000 },
      )
      .then((handle) => handle.jsonValue() as Promise<number>)
      .catch(() => null);
    if (shown === null) figures.unchanged++;
    else figures.ms.push(shown - start);
    await page.waitForTimeout(30);
  }
}

const repeat = (key: string, n: number): string[] => Array.from({ length: n }, () => key);

/** Each Learn step: what a reader does with its widget (the step opened first, by its link). */
const LEARN_STEPS: readonly { readonly title: string; operate(page: Page): Promise<void> }[] = [
  {
    title: 'feature normalization: standardize, scale slider',
    operate: async (page) => {
      await page.getByTestId('standardize').check();
      await page.getByTestId('standardize').uncheck();
      await pressOn(page, 'scale', [...repeat('ArrowLeft', 8), 'Home', 'End']);
    },
  },
  {
    title: 'z-score: scale slider',
    operate: (page) => pressOn(page, 'scale', [...repeat('ArrowLeft', 8), 'Home', 'End']),
  },
  {
    title: 'BN over a batch: new batches, gamma, batch size 2…128',
    operate: async (page) => {
      for (let i = 0; i < 5; i++) await page.getByTestId('new-batch').click();
      await pressOn(page, 'gamma', repeat('ArrowRight', 5));
      await pressOn(page, 'batch-size', ['End', 'Home', ...repeat('ArrowRight', 5)]);
    },
  },
  {
    title: 'BN at test time: trains, then momentum 0.5 retrains, lone example',
    operate: async (page) => {
      await learnTrained(page);
      await learnRetrain(page, 'momentum-0.5');
      await pressOn(page, 'one-example', repeat('ArrowRight', 5));
    },
  },
  {
    title: 'internal covariate shift: trains, then lr 2 retrains',
    operate: async (page) => {
      await learnTrained(page);
      await learnRetrain(page, 'lr-2');
    },
  },
  {
    title: 'other normalizations: LN, GN, then train the four',
    operate: async (page) => {
      await page.getByTestId('norm-layer').check();
      await page.getByTestId('norm-group').check();
      await page.getByTestId('compare-norms').click();
      await page
        .locator('[data-testid="norm-results"][data-state="done"]')
        .waitFor({ timeout: 300_000 });
    },
  },
  {
    title: 'many devices: K slider',
    operate: (page) => pressOn(page, 'devices', ['End', 'Home', ...repeat('ArrowRight', 3)]),
  },
];

/** The Learn path, step by step, each step's widget operated: one phase per step. */
function learnScript(): Script {
  const settle = 1500;
  return async (page) => {
    const phases: PhaseFigures[] = [];
    for (const [i, step] of LEARN_STEPS.entries()) {
      const n = i + 1;
      phases.push(
        await phase(
          page,
          `learn ${n}: ${step.title}`,
          async () => {
            // Opened by its link, as the step list and Next do (a hash change, no reload).
            await page.evaluate((hash) => {
              location.hash = hash;
            }, `learn/${n}`);
            await learnStepShown(page, n);
            await step.operate(page);
          },
          settle,
        ),
      );
    }
    return phases;
  };
}

/** The default study (whatever the app opens with), trained for `steps` steps, as a URL hash. */
function longStudyHash(steps: number): string {
  return encodeStudyHash({
    config: { ...DEFAULT_STUDY.config, steps },
    compare: DEFAULT_STUDY.compare,
  });
}

function report(t: Trial): void {
  for (const p of t.phases) {
    const worst = p.longTasks.length ? Math.max(...p.longTasks) : 0;
    const traced =
      p.longestTraced !== null
        ? `; longest task (trace) ${p.longestTraced.toFixed(0)} ms wall, most cpu in one task ${(p.longestTracedCpu ?? 0).toFixed(0)} ms`
        : '';
    console.log(
      `  ${p.label} (${p.seconds.toFixed(1)} s): tasks over 50 ms: ${p.longTasks.length ? `${p.longTasks.map((d) => d.toFixed(0)).join(', ')} (longest ${worst.toFixed(0)} ms)` : 'none'}${traced}`,
    );
    for (const f of p.longFrames) console.log(`    ${f}`);
  }
  for (const b of t.traced) {
    console.log(
      `  trace task ${b.wallMs.toFixed(0)} ms wall, ${b.cpuMs.toFixed(0)} ms cpu: ${b.parts || '(no inner events)'}`,
    );
  }
  if (t.cpuByPhase) console.log(`  main-thread cpu by phase: ${t.cpuByPhase}`);
  if (t.profile.length) console.log('  main-thread self time (ms):');
  for (const [fn, ms] of t.profile) console.log(`    ${ms.toFixed(1).padStart(7)}  ${fn}`);
}

const program = new Command()
  .name('bench:page')
  .option('--trials <n>', 'runs of the short study (0: none)', '3')
  .option(
    '--long-steps <n>',
    'then train the study for this many steps and show the finished runs (0: skip)',
    '5000',
  )
  .option('--threshold <ms>', 'break down trace tasks longer than this', '40')
  .option('--hash <x>', "another study: the part after '#' in the app's URL")
  .option('--experiment <name>', 'run a named experiment (quick) instead of a training run')
  .option('--no-learn', 'skip the Learn path (each step opened and its control operated)')
  .option('--learn-lang <code>', 'the Learn path in this language (?lang=, e.g. zh-CN)')
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
  longSteps: string;
  threshold: string;
  hash?: string;
  experiment?: string;
  learn: boolean;
  learnLang?: string;
  trace?: boolean;
  traceDir?: string;
  categories: string;
  profile?: boolean;
  json?: string;
}>();
const trials = Number(opts.trials);
const longSteps = Number(opts.longSteps);
const threshold = Number(opts.threshold);
if (
  !Number.isInteger(trials) ||
  trials < 0 ||
  !Number.isInteger(longSteps) ||
  longSteps < 0 ||
  !(threshold > 0)
) {
  console.error(
    'bench:page: --trials and --long-steps must be whole numbers ≥ 0 and --threshold a positive number of ms',
  );
  process.exit(2);
}

const workload = opts.experiment ? namedExperiment(opts.experiment) : trainingRun;
if (opts.traceDir) mkdirSync(opts.traceDir, { recursive: true });
const options = (name: string): TrialOptions => ({
  thresholdMs: threshold,
  traceCategories: opts.trace ? opts.categories : null,
  traceFile: opts.traceDir ? join(opts.traceDir, `${name}.json`) : null,
  profile: opts.profile === true,
});
const app = await startApp();
const results: { name: string; trial: Trial }[] = [];
try {
  const url = opts.hash ? `${app.url}#${opts.hash}` : app.url;
  if (trials > 0)
    console.log(`${workload.label}, ${trials} trial(s), each in a fresh browser profile`);
  for (let i = 0; i < trials; i++) {
    const t = await trial(app.browser, url, workloadScript(workload), options(`trial-${i + 1}`));
    results.push({ name: `trial ${i + 1}`, trial: t });
    console.log(`trial ${i + 1}:`);
    report(t);
  }
  if (longSteps > 0 && !opts.experiment) {
    console.log(
      `the study trained for ${longSteps} steps, then its finished runs shown (live view, reload, library), in a fresh browser profile`,
    );
    const longUrl = `${app.url}#${opts.hash ?? longStudyHash(longSteps)}`;
    const t = await trial(app.browser, longUrl, longRunScript(longSteps), options('long-run'));
    results.push({ name: `${longSteps}-step study`, trial: t });
    console.log(`${longSteps}-step study:`);
    report(t);
  }
  if (opts.learn) {
    console.log(
      'the Learn path, #learn/1 to #learn/7, each step opened and its control operated, in a fresh browser profile',
    );
    const t = await trial(
      app.browser,
      `${app.url}${opts.learnLang ? `?lang=${encodeURIComponent(opts.learnLang)}` : ''}#learn/1`,
      learnScript(),
      options('learn'),
      (page) => learnStepShown(page, 1),
    );
    results.push({ name: 'learn', trial: t });
    console.log('learn:');
    report(t);
    console.log(
      'learn controls, key press to the step showing the change (target: well under 1 s):',
    );
    for (const [control, f] of responses) {
      const sorted = [...f.ms].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      const worst = sorted[sorted.length - 1] ?? Number.NaN;
      console.log(
        `  ${control}: ${f.ms.length} moves, median ${median.toFixed(0)} ms, longest ${worst.toFixed(0)} ms${f.unchanged ? `; ${f.unchanged} changed nothing shown (at an end)` : ''}`,
      );
    }
  }
} finally {
  await app.close();
}
console.log(
  'longest page task per phase (ms; tasks over 50 ms by the Long Tasks API, target: none):',
);
for (const { name, trial: t } of results) {
  for (const p of t.phases) {
    const worst = p.longTasks.length ? Math.max(...p.longTasks).toFixed(0) : 'none over 50';
    // With --trace, the longest task whatever its length (wall / CPU), not only those over 50 ms.
    const traced =
      p.longestTraced !== null
        ? `; longest (trace) ${p.longestTraced.toFixed(0)} ms wall / ${(p.longestTracedCpu ?? 0).toFixed(0)} ms CPU`
        : '';
    console.log(
      `  ${name} · ${p.label}: ${worst}${p.longTasks.length > 1 ? ` (${p.longTasks.length} tasks)` : ''}${traced}`,
    );
  }
}
const all = results.flatMap((r) => r.trial.phases.flatMap((p) => p.longTasks));
console.log(
  `page tasks over 50 ms: ${all.length}, worst ${all.length ? Math.max(...all).toFixed(0) : 0} ms (target: none)`,
);
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2));
