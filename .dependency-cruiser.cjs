/**
 * The import rules of syncbn-lab, checked by `npm run lint` (dependency-cruiser).
 *
 * One engine, three hosts (the page and its workers, the Node CLI, the tests). Data flows down,
 * typed events come back up. The folders of src, top to bottom: a folder may import the ones
 * below it, never one above (`layerRules`); the named rules add what each folder must not use
 * even below it, and why:
 *
 *   ui, cli        the two front ends: the Lit app, the Node commands
 *   cost           the cluster cost model of SyncBN and DDP (pure: formulas, presets, models)
 *   platform       browser/ and node/: worker entries, spawning, worker handles, loading MNIST
 *   store          IndexedDB persistence (the app's)
 *   export         a run as a PyTorch bundle (train.py, .npz files): pure, so the CLI writes it to
 *                  disk and the app can zip it; it reads configs, data and the model, never runs
 *   experiments    the literature experiments and their kit
 *   coordinator    the engine: trainer, run, session, events, hosts, telemetry
 *   workers        device, device group, the device protocol, payloads, reports, checkpoints
 *   collectives    local, shared memory, MessagePorts (they import core only)
 *   config         schema, rules, config text and problems, preflight
 *   data           datasets, samplers, sharding
 *   core           the pure math
 *
 * A rule change is a reviewed edit of this file, never a silenced warning. Each rule says why.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency of the design too.
 */

/** Node's own modules (`node:fs`, `fs`, `worker_threads`, …). */
const NODE_BUILTIN = { dependencyTypes: ['core'] };

/** The folders of src as the header lists them, top to bottom. */
const LAYERS = [
  ['ui', 'cli'],
  // The cost model: pure formulas; it reads a run config's model (config, data, core) and is read
  // by the front ends.
  ['cost'],
  ['platform'],
  ['store'],
  // export builds a bundle from a config, its data and the initial model (config, data, core):
  // below the hosts that write or download it, above nothing it would need to run a step.
  ['export'],
  ['experiments'],
  ['coordinator'],
  ['workers'],
  ['collectives'],
  ['config'],
  ['data'],
  ['core'],
];

/** One rule per folder: it never imports a folder listed above it (the arrows point down). */
const layerRules = LAYERS.slice(1).map((layer, i) => {
  const above = LAYERS.slice(0, i + 1).flat();
  return {
    name: `${layer.join('-')}-imports-only-below`,
    severity: 'error',
    comment:
      `Data flows down, typed events come back up: ${layer.join(', ')} never imports a folder ` +
      `above it (${above.join(', ')}); what both need belongs lower down.`,
    from: { path: `^src/(${layer.join('|')})/` },
    to: { path: `^src/(${above.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'No import cycles, type-only ones included: a cycle means two files are one module in ' +
        'two pieces, its load order is fragile, and neither can be understood (or moved) alone.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-imports-only-core',
      severity: 'error',
      comment:
        'src/core is the pure math (tensors, kernels, layers, norms, models, optimizers): no ' +
        'config schema, no DOM, worker or Node API, no package. Callers map their config onto the ' +
        "core's own option types (core/model/options.ts, core/optim/options.ts).",
      from: { path: '^src/core/' },
      to: { pathNot: '^src/core/' },
    },
    {
      name: 'core-norm-below-model',
      severity: 'error',
      comment:
        'Inside core, layers and norms are the parts a model is built from: they never import ' +
        'core/model (a model-level operation such as PreciseBN lives in core/model).',
      from: { path: '^src/core/(norm|layers|kernels|optim)/' },
      to: { path: '^src/core/model/' },
    },
    {
      name: 'data-imports-only-core',
      severity: 'error',
      comment:
        'src/data (datasets, samplers, sharding) is host-free and config-free: it uses the seeded ' +
        'RNG of core and nothing else. Loading MNIST from a file or a URL is platform/.',
      from: { path: '^src/data/' },
      to: { pathNot: '^src/(data|core)/' },
    },
    {
      name: 'collectives-below-devices',
      severity: 'error',
      comment:
        'The collectives only move Float64Arrays between ranks; they know nothing of devices, ' +
        'runs, configs or hosts, so a device group can run over any of them.',
      from: { path: '^src/collectives/' },
      to: {
        path: '^src/(workers|coordinator|platform|experiments|store|ui|cli|config|data)/',
      },
    },
    {
      name: 'workers-below-coordinator',
      severity: 'error',
      comment:
        'src/workers is the device logic a host runs (device, device group, payloads, reports, ' +
        'checkpoint format): it is driven by the coordinator and must not reach back up to it, ' +
        'nor to a host (platform), the store or the UI.',
      from: { path: '^src/workers/' },
      to: { path: '^src/(coordinator|platform|experiments|store|ui|cli)/' },
    },
    {
      name: 'coordinator-host-free',
      severity: 'error',
      comment:
        'The coordinator (trainer, evaluation, session, events, hosts, telemetry) is the one ' +
        'engine for every host: it never imports a host (platform), the store, the UI, the CLI ' +
        'or the literature experiments built on it. Hosts hand it what it needs.',
      from: { path: '^src/coordinator/' },
      to: { path: '^src/(platform|store|ui|cli|experiments)/' },
    },
    {
      name: 'experiments-host-free',
      severity: 'error',
      comment:
        'The literature experiments run on the engine in any host (the Node CLI and a browser ' +
        'worker), so they import neither a host nor the store, UI or CLI.',
      from: { path: '^src/experiments/' },
      to: { path: '^src/(platform|store|ui|cli)/' },
    },
    {
      name: 'config-below-hosts',
      severity: 'error',
      comment:
        'src/config (schema, config text and problems, preflight) is shared by the CLI, the app ' +
        'and the store; it sits above core and data only.',
      from: { path: '^src/config/' },
      to: {
        path: '^src/(collectives|workers|coordinator|platform|experiments|store|ui|cli)/',
      },
    },
    {
      name: 'cost-pure',
      severity: 'error',
      comment:
        'src/cost is a pure model (formulas, presets, architectures) shared by the CLI and the ' +
        "app: it reads a run config's model through config, data (the sample shape) and core, " +
        'and nothing that runs, stores or shows.',
      from: { path: '^src/cost/' },
      to: { path: '^src/', pathNot: '^src/(cost|config|data|core)/' },
    },
    {
      name: 'store-never-ui',
      severity: 'error',
      comment:
        'The store (IndexedDB) is used by the UI, never the reverse; it also never starts runs ' +
        '(platform, CLI).',
      from: { path: '^src/store/' },
      to: { path: '^src/(ui|cli|platform)/' },
    },
    {
      name: 'ui-never-cli',
      severity: 'error',
      comment:
        'The app and the CLI are two hosts of the same engine; what they share (config text, ' +
        'problems, preflight) lives in src/config. The app runs in a browser: no Node host.',
      from: { path: '^src/ui/' },
      to: { path: '^src/(cli|platform/node)/' },
    },
    {
      name: 'cli-never-ui',
      severity: 'error',
      comment: 'The CLI runs in Node: the Lit app and its browser code are not for it.',
      from: { path: '^src/cli/' },
      to: { path: '^src/(ui|platform/browser)/' },
    },
    {
      name: 'platforms-apart',
      severity: 'error',
      comment:
        'platform/browser and platform/node are the two hosts; neither imports the other ' +
        '(what both need lives below them).',
      from: { path: '^src/platform/(browser|node)/' },
      to: { path: '^src/platform/(browser|node)/', pathNot: '^src/platform/$1/' },
    },
    {
      name: 'node-apis-only-at-node-edges',
      severity: 'error',
      comment:
        "Only the Node host (platform/node) and the CLI use Node's modules; everything else also " +
        'runs in a browser.',
      from: { path: '^src/', pathNot: '^src/(platform/node|cli)/' },
      to: NODE_BUILTIN,
    },
    {
      name: 'worker-apis-only-in-platform',
      severity: 'error',
      comment:
        "worker_threads and Comlink's Node adapter are host knowledge: only platform/ uses them " +
        "(the page's own Web Workers are spawned in platform/browser too).",
      from: { path: '^src/', pathNot: '^src/platform/' },
      to: { path: '(^|/)(worker_threads|comlink/dist/esm/node-adapter\\.mjs)$' },
    },
    {
      name: 'nothing-imports-tests',
      severity: 'error',
      comment:
        'Tests depend on the product, never the reverse: src, bench, scripts and tools ' +
        '(shared browser-driving code for the E2E tests and the page benchmark) never import tests/.',
      from: { path: '^(src|bench|scripts|tools)/' },
      to: { path: '^tests/' },
    },
    ...layerRules,
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that does not resolve is a typo or a missing package.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports are dependencies too (a cycle through types is still a cycle).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The project imports with explicit .ts suffixes (allowImportingTsExtensions).
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.mjs', '.js', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    // `new URL('./device-worker.ts', import.meta.url)` names a worker entry: follow it like an import.
    detectProcessBuiltinModuleCalls: false,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
