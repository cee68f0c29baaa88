import { Command } from 'commander';
import { VERSION } from '../shared/version.js';

const program = new Command('bladeframe-agent')
  .description('Reads blade health and calls home over MQTT')
  .version(VERSION);

await program.parseAsync(process.argv);
