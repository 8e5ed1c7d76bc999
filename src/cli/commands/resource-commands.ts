// `network`, `volume` and `port` (definitions only; work is loaded when a verb runs).
import type { Command } from 'commander';
import { collect } from '../flags.js';

const inspectDef = (group: Command, type: 'network' | 'volume') =>
  group.command('inspect <names...>').description(`Display detailed information on one or more ${type}s`)
    .option('-f, --format <format>', 'Format output using a custom template')
    .action(async (names, opts, cmd) => (await import('../container/inspect.js')).inspectCommand(names, { ...opts, type }, cmd));

export function registerResourceCommands(program: Command, only?: string): void {
  const wanted = (name: string) => only === undefined || only === name;
  if (wanted('network')) {
    const n = program.command('network').description('Manage networks');
    n.command('create <name>').description('Create a network')
      .option('-d, --driver <driver>', 'Driver to manage the Network', 'bridge')
      .option('--subnet <subnet>', 'Subnet in CIDR format that represents a network segment', collect)
      .option('--gateway <ip>', 'IPv4 or IPv6 Gateway for the master subnet', collect)
      .option('--ip-range <range>', 'Allocate container ip from a sub-range', collect)
      .option('--internal', 'Restrict external access to the network')
      .option('--attachable', 'Enable manual container attachment')
      .option('--ipv6', 'Enable IPv6 networking')
      .option('--label <label>', 'Set metadata on a network', collect)
      .option('-o, --opt <opt>', 'Set driver specific options', collect)
      .action(async (name, opts, cmd) => (await import('../network/network.js')).networkCreate(name, opts, cmd));
    n.command('ls').aliases(['list']).description('List networks')
      .option('-q, --quiet', 'Only display network IDs')
      .option('-f, --filter <filter>', 'Provide filter values (e.g. "driver=bridge")', collect)
      .option('--format <format>', 'Format output using a custom template')
      .option('--no-trunc', 'Do not truncate the output')
      .action(async (opts, cmd) => (await import('../network/network.js')).networkLs(opts, cmd));
    n.command('rm <networks...>').aliases(['remove']).description('Remove one or more networks')
      .action(async (names, _opts, cmd) => (await import('../network/network.js')).networkRm(names, cmd));
    n.command('connect <network> <container>').description('Connect a container to a network')
      .option('--alias <alias>', 'Add network-scoped alias for the container', collect)
      .option('--ip <ip>', 'IPv4 address (e.g., "172.30.100.104")')
      .action(async (net, c, opts, cmd) => (await import('../network/network.js')).networkConnect(net, c, opts, cmd));
    n.command('disconnect <network> <container>').description('Disconnect a container from a network')
      .option('-f, --force', 'Force the container to disconnect from a network')
      .action(async (net, c, opts, cmd) => (await import('../network/network.js')).networkDisconnect(net, c, opts, cmd));
    n.command('prune').description('Remove all unused networks')
      .option('-f, --force', 'Do not prompt for confirmation')
      .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
      .action(async (opts, cmd) => (await import('../network/network.js')).networkPrune(opts, cmd));
    inspectDef(n, 'network');
  }
  if (wanted('volume')) {
    const v = program.command('volume').description('Manage volumes');
    v.command('create [name]').description('Create a volume')
      .option('-d, --driver <driver>', 'Specify volume driver name', 'local')
      .option('--label <label>', 'Set metadata for a volume', collect)
      .option('-o, --opt <opt>', 'Set driver specific options', collect)
      .action(async (name, opts, cmd) => (await import('../volume/volume.js')).volumeCreate(name, opts, cmd));
    v.command('ls').aliases(['list']).description('List volumes')
      .option('-q, --quiet', 'Only display volume names')
      .option('-f, --filter <filter>', 'Provide filter values (e.g. "dangling=true")', collect)
      .option('--format <format>', 'Format output using a custom template')
      .action(async (opts, cmd) => (await import('../volume/volume.js')).volumeLs(opts, cmd));
    v.command('rm <volumes...>').aliases(['remove']).description('Remove one or more volumes')
      .option('-f, --force', 'Force the removal of one or more volumes')
      .action(async (names, opts, cmd) => (await import('../volume/volume.js')).volumeRm(names, opts, cmd));
    v.command('prune').description('Remove unused local volumes')
      .option('-a, --all', 'Remove all unused volumes, not just anonymous ones')
      .option('-f, --force', 'Do not prompt for confirmation')
      .option('--filter <filter>', 'Provide filter values (e.g. "label=<label>")', collect)
      .action(async (opts, cmd) => (await import('../volume/volume.js')).volumePrune(opts, cmd));
    inspectDef(v, 'volume');
  }
  if (wanted('port')) {
    program.command('port <container> [privatePort]').description('List port mappings or a specific mapping for the container')
      .action(async (c, p, _opts, cmd) => (await import('../container/port.js')).portCommand(c, p, cmd));
  }
}
