import { Writable } from 'node:stream';
import type { AgentConfig } from '../../shared/config/agent-config.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import type { CliIo } from '../cli-io.js';
import { liveHost } from '../host/live-host.js';
import { Agent } from '../main.js';
import { CronScheduler } from '../schedule/cron-scheduler.js';

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
    scheduler: new CronScheduler(logger.child({ module: 'schedule' })),
    logger,
  });
  await agent.start();
  const signal = await (io.stopSignal ?? new Promise<string>(() => undefined));
  logger.info({ signal }, 'stopping');
  await agent.stop();
  return 0;
}
