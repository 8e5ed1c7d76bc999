// Daemon-wide verbs: version, info, events, system df (definitions only).
import type { Command } from 'commander';
import { collect } from '../flags.js';

type Def = (parent: Command, name: string) => Command;

export const version: Def = (p, name) =>
  p.command(name).description('Show the berth version information')
    .option('-f, --format <format>', 'Format output using a custom template')
    .action(async (opts, cmd) => (await import('../system/version-info.js')).versionCommand(opts, cmd));

export const info: Def = (p, name) =>
  p.command(name).description('Display system-wide information')
    .option('-f, --format <format>', 'Format output using a custom template')
    .action(async (opts, cmd) => (await import('../system/version-info.js')).infoCommand(opts, cmd));

export const events: Def = (p, name) =>
  p.command(name).description('Get real time events from the server')
    .option('--since <time>', 'Show all events created since timestamp')
    .option('--until <time>', 'Stream events until this timestamp')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <format>', 'Format output using a custom template')
    .action(async (opts, cmd) => (await import('../system/events-df.js')).eventsCommand(opts, cmd));

export const df: Def = (p, name) =>
  p.command(name).description('Show docker disk usage')
    .option('-v, --verbose', 'Show detailed information on space usage')
    .option('--format <format>', 'Format output using a custom template')
    .action(async (opts, cmd) => (await import('../system/events-df.js')).dfCommand(opts, cmd));

export function registerSystemCommands(program: Command, only?: string): void {
  const wanted = (name: string) => only === undefined || only === name;
  if (wanted('version')) version(program, 'version');
  if (wanted('info')) info(program, 'info');
  if (wanted('events')) events(program, 'events');
  if (!wanted('system')) return;
  const group = program.command('system').description('Manage berth');
  df(group, 'df');
  group.command('prune').description('Remove unused data')
    .option('-a, --all', 'Remove all unused images not just dangling ones')
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--volumes', 'Prune anonymous volumes')
    .option('--filter <filter>', 'Provide filter values (e.g. "label=<key>=<value>")', collect)
    .action(async (opts, cmd) => (await import('../system/prune.js')).systemPruneCommand(opts, cmd));
  info(group, 'info');
  events(group, 'events');
}
