import type { Command } from 'commander';
import { registerCalendarCommand } from './calendar-command.js';
import type { CliOutput } from './cli-output.js';
import { registerDueCommand } from './due-command.js';

/** The contract-clock commands: `calendar` and `due`. */
export function registerSlaCommands(program: Command, io?: CliOutput): void {
  registerCalendarCommand(program, io);
  registerDueCommand(program, io);
}
