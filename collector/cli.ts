import { Command } from 'commander';
import { VERSION } from '../shared/version.js';
import { registerReportCommand } from './cli/report-command.js';
import { registerAuthCommands } from './cli/auth-commands.js';
import { registerRunCommand } from './cli/run-command.js';
import { registerSlaCommands } from './cli/sla-commands.js';

const program = new Command('bladeframe-collector')
  .description('Turns call-home messages into tickets and runs the service contract clocks')
  .version(VERSION);

registerRunCommand(program);
registerSlaCommands(program);
registerReportCommand(program);
registerAuthCommands(program);
await program.parseAsync(process.argv);
