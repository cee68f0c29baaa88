import { Writable } from 'node:stream';
import type { AgentConfig } from '../../shared/config/agent-config.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { CliIo } from '../cli-io.js';
import { liveHost } from '../host/live-host.js';
import { Agent } from '../main.js';
import { ClockScheduler } from '../schedule/scheduler.js';

/** JSON logs to the command's stdout (journald under systemd). */
export function cliLogger(config: AgentConfig, io: CliIo): Logger {
  const destination = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      io.stdout(chunk.toString());
      done();
    },
  });
  return createLogger({ name: 'bladeframe-agent', level: config.log.level, destination });
}

/** `bladeframe-agent run`: runs until SIGTERM/SIGINT, then stops cleanly (state `offline`). */
export async function runCommand(config: AgentConfig, io: CliIo): Promise<number> {
  const logger = cliLogger(config, io);
  const agent = new Agent({
    config,
    clock: io.clock,
    host: io.host ?? liveHost,
    scheduler: new ClockScheduler(io.clock),
    logger,
  });
  // The clock's timers do not hold the process open (nor, while the link is down, does a
  // socket): this does, until a signal asks it to stop.
  const keepAlive = setInterval(() => undefined, 2 ** 30);
  try {
    await agent.start();
    const signal = await (io.stopSignal ?? new Promise<string>(() => undefined));
    logger.info({ signal }, 'stopping');
    await agent.stop();
  } finally {
    clearInterval(keepAlive);
  }
  return 0;
}
