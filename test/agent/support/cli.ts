import { ManualClock } from '../../../shared/clock.js';
import type { CliIo } from '../../../agent/cli-io.js';
import { runCli } from '../../../agent/program.js';
import { FIXTURE_TIME } from './fixtures.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the agent's command line in-process with a manual clock and captured output. */
export async function cli(argv: string[], io: Partial<CliIo> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    clock: new ManualClock(FIXTURE_TIME),
    ...io,
  });
  return { status, stdout, stderr };
}
