import { runCost } from './cost-cli.ts';
import { runMain } from './run-main.ts';

// Entry point of `npm run cost -- --model resnet50 --gpus 64 …`; see cost-cli.ts.
runMain('cost', (argv) => runCost(argv));
