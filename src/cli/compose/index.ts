// `berth compose ...`: the Compose verbs. Each verb lives in its own file beside this one.
import type { Command } from 'commander';
import { addGlobalComposeOptions, processIO, type ComposeIO } from './options.js';
import { registerConfigCommand } from './config.js';

export function registerComposeCommands(program: Command, io: ComposeIO = processIO): void {
  const compose = addGlobalComposeOptions(program.command('compose').description('Define and run multi-container applications'));
  compose.command('version').description('Show the Compose version information').action(() => {
    io.stdout('berth compose version 0.1.0\n');
  });
  registerConfigCommand(compose, io);
}
