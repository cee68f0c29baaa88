import type { Command } from 'commander';
import { loadCollectorConfig, type CollectorConfig } from '../../shared/config/collector-config.js';
import type { Contract } from '../../shared/config/contract.js';
import { createLogger } from '../../shared/logger.js';
import { validateNotifyConfig } from '../notify/validate.js';
import { CollectorRuntime } from '../runtime.js';
import { loadContract } from '../sla/load-contract.js';
import { fail, processOutput, withOutput, type CliOutput } from './cli-output.js';

interface RunOptions {
  config?: string;
}

/** `run`: the collector as a service, until SIGTERM or SIGINT. */
export function registerRunCommand(program: Command, io: CliOutput = processOutput): Command {
  const command = program
    .command('run')
    .description('Run the collector: broker session, ingest, tickets, clocks and the HTTP API')
    .option('--config <file>', 'YAML configuration; the environment overrides it')
    .addHelpText(
      'after',
      '\nEnvironment: MQTT_URL (absent: embedded broker on MQTT_PORT, default 1883), DATABASE_URL\n' +
        '(absent: SQLite in DATA_DIR, default ./data), HTTP_PORT (default 8080), CONTRACT_FILE,\n' +
        'MQTT_USERNAME, MQTT_PASSWORD, MQTT_CA_FILE, MQTT_CERT_FILE, MQTT_KEY_FILE, LOG_LEVEL,\n' +
        'DASHBOARD_URL, SMTP_HOST, SMTP_PORT, SMTP_TLS, SMTP_USER, SMTP_PASSWORD, SMTP_FROM, ...\n' +
        'See deploy/collector.example.yaml.',
    )
    .action(async (options: RunOptions) => {
      let config: CollectorConfig;
      let contract: Contract;
      try {
        config = loadCollectorConfig(options.config);
        contract = loadContract(config.contractFile);
        validateNotifyConfig(config.notify, contract);
      } catch (error) {
        return fail(io, error);
      }
      const logger = createLogger({ name: 'bladeframe-collector', level: config.log.level });
      const runtime = new CollectorRuntime({
        config,
        contract,
        logger,
        announceBootstrapToken: (token) =>
          io.out(
            `\nNo admin existed: created user "admin". Its API token, shown this once:\n\n  ${token}\n\n` +
              'Keep it safe; issue tokens for people with `bladeframe-collector tokens create`.\n\n',
          ),
      });
      try {
        await runtime.start();
      } catch (error) {
        logger.fatal({ err: (error as Error).message }, 'collector failed to start');
        io.err(`error: ${(error as Error).message}\n`);
        return io.exit(1);
      }
      io.out(`bladeframe-collector listening on ${runtime.httpUrl} (MQTT ${runtime.mqttUrl})\n`);
      let signals = 0;
      const shutdown = (signal: string) => {
        if (++signals > 1) return io.exit(1);
        logger.info({ signal }, 'shutting down');
        void runtime.stop().then(() => {
          logger.info('stopped');
          io.exit(0);
        });
      };
      process.on('SIGTERM', () => shutdown('SIGTERM'));
      process.on('SIGINT', () => shutdown('SIGINT'));
    });
  return withOutput(command, io);
}
