import type { Command } from 'commander';
import { isBladeframeError } from '../../shared/errors.js';

/** Exit status for bad arguments or a bad contract file. */
export const USAGE_EXIT_CODE = 2;

/** Where a command writes, so tests can run commands in-process and read what they printed. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): never;
}

export const processOutput: CliOutput = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  exit: (code) => process.exit(code),
};

/**
 * Routes a command's output through `io` and makes every usage error (unknown option, missing
 * value, a value we reject) exit with status 2 after a one-line message.
 */
export function withOutput(command: Command, io: CliOutput): Command {
  return command.configureOutput({ writeOut: io.out, writeErr: io.err }).exitOverride((error) => {
    io.exit(error.exitCode === 0 ? 0 : USAGE_EXIT_CODE);
  });
}

/** Prints a failure (with a coded error's `path: message` details) and exits with status 2. */
export function fail(io: CliOutput, error: unknown): never {
  if (isBladeframeError(error)) {
    io.err(`error: ${error.message}\n`);
    for (const line of error.details) io.err(`  ${line}\n`);
  } else {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  return io.exit(USAGE_EXIT_CODE);
}

/** A plain text table: a header row, then rows, columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
