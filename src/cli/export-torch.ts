import { runExportTorch } from './export-torch-cli.ts';
import { runMain } from './run-main.ts';

// Entry point of `npm run export:torch -- <config.json | run.json> --out <dir>`; see export-torch-cli.ts.
runMain('export:torch', (argv) => runExportTorch(argv));
