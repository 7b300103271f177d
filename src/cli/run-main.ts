import { describeError } from '../config/problems.ts';

/**
 * Run a command as the process's entry point: its exit code becomes the process's; a failure it
 * did not report itself is written as its lines (a stack only with --debug), never a stack trace.
 */
export function runMain(name: string, run: (argv: string[]) => Promise<number>): void {
  const argv = process.argv.slice(2);
  run(argv).then(
    (code) => {
      process.exitCode = code;
      // Everything is released when the run ends; if something (a worker) still holds the
      // process open, say so and exit rather than hang a script that waits for us.
      setTimeout(() => {
        process.stderr.write(
          `${name}: the process was still busy 5 s after the run ended; exiting\n`,
        );
        process.exit(code);
      }, 5000).unref();
    },
    (err: unknown) => {
      const { exitCode, lines } = describeError(err, { debug: argv.includes('--debug') });
      for (const line of lines) process.stderr.write(`${line}\n`);
      process.exitCode = exitCode;
    },
  );
}
