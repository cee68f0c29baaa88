import { Command, CommanderError, Option } from 'commander';
import type { AgentConfig } from '../shared/config/agent-config.js';
import { loadAgentConfig } from '../shared/config/agent-config.js';
import { CONFIG_EXIT_CODE } from '../shared/config/load.js';
import { BladeframeError, isBladeframeError } from '../shared/errors.js';
import { VERSION } from '../shared/version.js';
import type { CliIo } from './cli-io.js';
import { collectOnce, describeOutgoing } from './collect.js';
import { factsFileHost } from './host/facts-file-host.js';
import type { HostAdapter } from './host/host-adapter.js';
import { liveHost } from './host/live-host.js';
import { outboxCommand } from './commands/outbox.js';
import { runCommand } from './commands/run.js';
import { testEventCommand } from './commands/test-event.js';
import { isDuration, parseDuration } from '../shared/duration.js';

/** Raised inside a command to end it with a status and no stack trace. */
class Exit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

interface CommonOptions {
  config?: string;
  sysfs?: string;
  procfs?: string;
}

/**
 * Runs the `bladeframe-agent` command line and resolves with the exit status. Bad configuration
 * exits 2 with one `path: message` line per problem; any other deliberate error exits 1 with its
 * code and message; nothing ends in a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const program = new Command('bladeframe-agent')
    .description('Reads blade health from /sys and /proc and calls home over MQTT')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  const load = (options: CommonOptions): AgentConfig => {
    const config = loadAgentConfig(options.config, io.env);
    if (options.sysfs) config.paths.sysfs = options.sysfs;
    if (options.procfs) config.paths.procfs = options.procfs;
    return config;
  };

  program
    .command('collect')
    .description('run one cycle with no network and print exactly what would be published')
    .option('--json', 'one {"topic", "payload"} JSON object per line')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option('--sysfs <dir>', 'sysfs root (default /sys)')
    .option('--procfs <dir>', 'procfs root (default /proc)')
    .addOption(
      new Option('--facts <file>', 'host facts (OS, disks, units, usage) from a JSON file'),
    )
    .action(async (options: CommonOptions & { json?: boolean; facts?: string }) => {
      const config = load(options);
      const host: HostAdapter = options.facts
        ? factsFileHost(options.facts)
        : (io.host ?? liveHost);
      const messages = await collectOnce(config, host, io.clock);
      if (options.json) {
        for (const m of messages)
          io.stdout(JSON.stringify({ topic: m.topic, payload: m.payload }) + '\n');
      } else {
        io.stdout(describeOutgoing(messages).join('\n') + '\n');
      }
    });

  program
    .command('run')
    .description('run the agent: probe, queue, call home (until SIGTERM)')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .action(async (options: CommonOptions) => {
      status = await runCommand(load(options), io);
    });

  program
    .command('test-event')
    .description('send a test.call through the whole path and wait for its acknowledgement')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option('--timeout <duration>', 'how long to wait for the broker', '30s')
    .option('--note <text>', 'a note carried in the evidence', 'requested from the command line')
    .action(async (options: CommonOptions & { timeout: string; note: string }) => {
      const config = load(options);
      if (!isDuration(options.timeout)) {
        throw new BladeframeError('BF_CONFIG_INVALID', 'bad --timeout', [
          `--timeout: must be a duration like 30s or 2m`,
        ]);
      }
      status = await testEventCommand(config, io, {
        timeoutMs: parseDuration(options.timeout),
        note: options.note.slice(0, 200),
      });
    });

  program
    .command('outbox')
    .description('show what is queued on disk for the collector')
    .option('-c, --config <file>', 'configuration file (YAML)')
    .option('--json', 'a stats line, then one queued message per line')
    .action((options: CommonOptions & { json?: boolean }) => {
      status = outboxCommand(load(options), io, options.json === true);
    });

  let status = 0;
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    return report(error, io);
  }
}

function report(error: unknown, io: CliIo): number {
  if (error instanceof Exit) return error.status;
  if (error instanceof CommanderError) {
    return error.code === 'commander.helpDisplayed' || error.code === 'commander.version'
      ? 0
      : error.exitCode || 1;
  }
  if (isBladeframeError(error)) {
    if (error.code.startsWith('BF_CONFIG_')) {
      for (const line of error.details.length ? error.details : [error.message]) {
        io.stderr(line + '\n');
      }
      return CONFIG_EXIT_CODE;
    }
    io.stderr(`error ${error.code}: ${error.message}\n`);
    for (const line of error.details) io.stderr(`  ${line}\n`);
    return 1;
  }
  io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

export { BladeframeError, Exit };
