import { createTask } from 'node-cron';
import { cronExpressionFor } from '../../shared/config/agent-config.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ScheduledJob, Scheduler } from './scheduler.js';

/**
 * The production scheduler: node-cron, so runs land on the wall clock's multiples of the
 * interval (every blade's heartbeat at :00, :15, ...) and an overrunning run never overlaps the
 * next (`noOverlap`). Intervals are validated by the config schema to have a cron expression.
 */
export class CronScheduler implements Scheduler {
  constructor(private readonly logger: Logger = silentLogger) {}

  every(name: string, intervalMs: number, task: () => Promise<void>): ScheduledJob {
    const expression = cronExpressionFor(intervalMs);
    if (!expression) throw new Error(`${name}: ${intervalMs} ms has no cron expression`);
    const log = this.logger;
    const job = createTask(expression, () => task(), {
      name,
      noOverlap: true,
      logger: {
        info: (message) => log.debug({ job: name }, message),
        warn: (message) => log.warn({ job: name }, message),
        error: (message) => log.error({ job: name, err: String(message) }, 'scheduled run failed'),
        debug: (message) => log.debug({ job: name }, String(message)),
      },
    });
    void job.start();
    return { stop: () => void job.destroy() };
  }
}
