// `berth compose ...`: the Compose verbs. Each verb lives in its own file beside this one.
import type { Command } from 'commander';
import { addGlobalComposeOptions, processIO, type ComposeIO } from './options.js';
import { registerConfigCommand } from './config.js';
import { registerUpCommands } from './up.js';
import { registerDownCommand } from './down.js';
import { registerPsCommand } from './ps.js';
import { registerLogsCommand } from './logs.js';
import { registerStartCommand } from './start.js';
import { registerStopCommand } from './stop.js';
import { registerRestartCommand } from './restart.js';
import { registerRmCommand } from './rm.js';

export function registerComposeCommands(program: Command, io: ComposeIO = processIO): void {
  const compose = addGlobalComposeOptions(program.command('compose').description('Define and run multi-container applications'));
  compose.command('version').description('Show the Compose version information').action(() => {
    io.stdout('berth compose version 0.1.0\n');
  });
  registerConfigCommand(compose, io);
  registerUpCommands(compose, io);
  registerDownCommand(compose, io);
  registerPsCommand(compose, io);
  registerLogsCommand(compose, io);
  registerStartCommand(compose, io);
  registerStopCommand(compose, io);
  registerRestartCommand(compose, io);
  registerRmCommand(compose, io);
}
