import { runCli } from './run-cli.ts';
import { runMain } from './run-main.ts';

// Entry point of `npm run sim -- <config.json> [--out metrics.json]`; see run-cli.ts.
runMain('sim', (argv) => runCli(argv));
