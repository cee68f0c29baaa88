import { systemClock } from '../shared/clock.js';
import { runCli } from './program.js';

// The bladeframe-agent executable (and the entry of the one-file bundle).
const stopSignal = new Promise<string>((resolve) => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve(signal));
});

const status = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  clock: systemClock,
  stopSignal,
});
process.exitCode = status;
