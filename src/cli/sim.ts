import { describeError } from '../config/problems.ts';
import { runCli } from './run-cli.ts';

// Entry point of `npm run sim -- <config.json> [--out metrics.json]`; see run-cli.ts.
runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Everything is released when the run ends; if something (a worker) still holds the process
    // open, say so and exit rather than hang a script that waits for us.
    setTimeout(() => {
      process.stderr.write('sim: the process was still busy 5 s after the run ended; exiting\n');
      process.exit(code);
    }, 5000).unref();
  },
  (err: unknown) => {
    const { exitCode, lines } = describeError(err, { debug: process.argv.includes('--debug') });
    for (const line of lines) process.stderr.write(`${line}\n`);
    process.exitCode = exitCode;
  },
);
