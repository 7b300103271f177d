import { type Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT } from '../config/problems.ts';
import type { CliIo } from './cli-io.ts';

/**
 * Parse `argv` with a commander program whose help and usage errors go through `io` (prefixed
 * with the tool's name) instead of exiting the process. Returns null when the command should run,
 * else its exit code: 0 after --help, EXIT_BAD_INPUT for bad usage.
 */
export function parseArgs(
  program: Command,
  argv: readonly string[],
  io: CliIo,
  tool: string,
): number | null {
  program.exitOverride().configureOutput({
    writeOut: (text) => void io.stdout(text),
    writeErr: (text) => io.stderr(text),
    outputError: (text, write) => write(text.replace(/^error: /, `${tool}: `)),
  });
  try {
    program.parse([...argv], { from: 'user' });
    return null;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    throw err;
  }
}
