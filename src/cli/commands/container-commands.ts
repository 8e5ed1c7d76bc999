// The container verbs and their docker flags. Definitions only: each action loads the module
// that does the work when it runs, so `berth` starts without evaluating every command.
import type { Command } from 'commander';
import { collect, intFlag } from '../flags.js';
import { addCreateOptions } from '../container/create-options.js';
import { addProcessFlags } from '../process-flags.js';

type Def = (parent: Command, name: string) => Command;

export const run: Def = (p, name) =>
  addProcessFlags(addCreateOptions(p.command(`${name} <image> [command...]`).description('Create and run a new container from an image').passThroughOptions()), ['detach', 'rm', 'detachKeys'])
    .action(async (image, args, opts, cmd) => (await import('../container/run.js')).runCommand(image, args, opts, cmd));

export const create: Def = (p, name) =>
  addProcessFlags(addCreateOptions(p.command(`${name} <image> [command...]`).description('Create a new container').passThroughOptions()), ['rm'])
    .action(async (image, args, opts, cmd) => (await import('../container/run.js')).createCommand(image, args, opts, cmd));

export const ps: Def = (p, name) =>
  p.command(name).description('List containers')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('-q, --quiet', 'Only display container IDs')
    .option('-n, --last <int>', 'Show n last created containers (includes all states)', intFlag('-n, --last'))
    .option('-l, --latest', 'Show the latest created container (includes all states)')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided', collect)
    .option('--format <format>', 'Format output using a custom template')
    .option('--no-trunc', "Don't truncate output")
    .option('-s, --size', 'Display total file sizes')
    .action(async (opts, cmd) => (await import('../container/ps.js')).psCommand(opts, cmd));

export const start: Def = (p, name) =>
  p.command(`${name} <containers...>`).description('Start one or more stopped containers')
    .option('-a, --attach', 'Attach STDOUT/STDERR and forward signals')
    .option('-i, --interactive', "Attach container's STDIN")
    .option('--detach-keys <keys>', 'Override the key sequence for detaching a container')
    .action(async (names, opts, cmd) => (await import('../container/lifecycle.js')).startCommand(names, opts, cmd));

const stopLike = (verb: 'stop' | 'restart', what: string): Def => (p, name) =>
  p.command(`${name} <containers...>`).description(what)
    .option('-t, --time <int>', 'Seconds to wait before killing the container', intFlag('-t, --time'))
    .option('-s, --signal <signal>', 'Signal to send to the container')
    .action(async (names, opts, cmd) => (await import('../container/lifecycle.js')).stopCommand(verb, names, opts, cmd));
export const stop = stopLike('stop', 'Stop one or more running containers');
export const restart = stopLike('restart', 'Restart one or more containers');

export const kill: Def = (p, name) =>
  p.command(`${name} <containers...>`).description('Kill one or more running containers')
    .option('-s, --signal <signal>', 'Signal to send to the container')
    .action(async (names, opts, cmd) => (await import('../container/lifecycle.js')).killCommand(names, opts, cmd));

export const rm: Def = (p, name) =>
  p.command(`${name} <containers...>`).description('Remove one or more containers')
    .option('-f, --force', 'Force the removal of a running container (uses SIGKILL)')
    .option('-v, --volumes', 'Remove anonymous volumes associated with the container')
    .option('-l, --link', 'Remove the specified link')
    .action(async (names, opts, cmd) => (await import('../container/lifecycle.js')).rmCommand(names, opts, cmd));

const simple = (verb: 'pause' | 'unpause' | 'wait', what: string): Def => (p, name) =>
  p.command(`${name} <containers...>`).description(what)
    .action(async (names, _opts, cmd) => (await import('../container/lifecycle.js')).simpleCommand(verb, names, cmd));
export const pause = simple('pause', 'Pause all processes within one or more containers');
export const unpause = simple('unpause', 'Unpause all processes within one or more containers');
export const wait = simple('wait', 'Block until one or more containers stop, then print their exit codes');

export const rename: Def = (p, name) =>
  p.command(`${name} <container> <newName>`).description('Rename a container')
    .action(async (c, n, _opts, cmd) => (await import('../container/lifecycle.js')).renameCommand(c, n, cmd));

export const logs: Def = (p, name) =>
  p.command(`${name} <container>`).description('Fetch the logs of a container')
    .option('-f, --follow', 'Follow log output')
    .option('-n, --tail <n>', 'Number of lines to show from the end of the logs', 'all')
    .option('--since <time>', 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)')
    .option('--until <time>', 'Show logs before a timestamp or relative time')
    .option('-t, --timestamps', 'Show timestamps')
    .option('--details', 'Show extra details provided to logs')
    .action(async (c, opts, cmd) => (await import('../container/logs.js')).logsCommand(c, opts, cmd));

export const exec: Def = (p, name) =>
  addProcessFlags(p.command(`${name} <container> <command...>`).description('Execute a command in a running container').passThroughOptions(),
    ['interactive', 'tty', 'detach', 'env', 'envFile', 'workdir', 'user', 'privileged', 'detachKeys'],
    { detach: 'Detached mode: run command in the background', privileged: 'Give extended privileges to the command' })
    .action(async (c, args, opts, cmd) => (await import('../container/exec.js')).execCommand(c, args, opts, cmd));

export const attach: Def = (p, name) =>
  p.command(`${name} <container>`).description("Attach local standard input, output, and error streams to a running container")
    .option('--no-stdin', 'Do not attach STDIN')
    .option('--detach-keys <keys>', 'Override the key sequence for detaching a container')
    .option('--sig-proxy', 'Proxy all received signals to the process', true)
    .action(async (c, opts, cmd) => (await import('../container/exec.js')).attachCommand(c, opts, cmd));

export const top: Def = (p, name) =>
  p.command(`${name} <container> [psOptions...]`).description('Display the running processes of a container')
    .action(async (c, psArgs, _opts, cmd) => (await import('../container/top-stats.js')).topCommand(c, psArgs, cmd));

export const stats: Def = (p, name) =>
  p.command(`${name} [containers...]`).description('Display a live stream of container(s) resource usage statistics')
    .option('-a, --all', 'Show all containers (default shows just running)')
    .option('--no-stream', 'Disable streaming stats and only pull the first result')
    .option('--no-trunc', "Don't truncate output")
    .option('--format <format>', 'Format output using a custom template')
    .action(async (names, opts, cmd) => (await import('../container/top-stats.js')).statsCommand(names, opts, cmd));

export const cp: Def = (p, name) =>
  p.command(`${name} <src> <dest>`).description('Copy files/folders between a container and the local filesystem')
    .option('-a, --archive', 'Archive mode (copy all uid/gid information)')
    .option('-L, --follow-link', 'Always follow symbol link in SRC_PATH')
    .option('-q, --quiet', 'Suppress progress output during copy')
    .action(async (src, dest, opts, cmd) => (await import('../container/cp.js')).cpCommand(src, dest, opts, cmd));

export const inspect: Def = (p, name) =>
  p.command(`${name} <names...>`).description('Return low-level information on Docker objects')
    .option('-f, --format <format>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes if the type is container')
    .option('--type <type>', 'Return JSON for specified type')
    .action(async (names, opts, cmd) => (await import('../container/inspect.js')).inspectCommand(names, opts, cmd));

const typedInspect = (type: 'container' | 'image'): Def => (p, name) =>
  p.command(`${name} <names...>`).description(`Display detailed information on one or more ${type}s`)
    .option('-f, --format <format>', 'Format output using a custom template')
    .option('-s, --size', 'Display total file sizes')
    .action(async (names, opts, cmd) => (await import('../container/inspect.js')).inspectCommand(names, { ...opts, type }, cmd));
export const containerInspect = typedInspect('container');
export const imageInspect = typedInspect('image');

export const containerPrune: Def = (p, name) =>
  p.command(name).description('Remove all stopped containers')
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>")', collect)
    .action(async (opts, cmd) => (await import('../container/lifecycle.js')).pruneCommand(opts, cmd));

export const update: Def = (p, name) =>
  p.command(`${name} <containers...>`).description('Update configuration of one or more containers')
    .option('--restart <policy>', 'Restart policy to apply when a container exits')
    .action(async (names, opts, cmd) => (await import('../container/update.js')).updateCommand(names, opts, cmd));

export const exportCmd: Def = (p, name) =>
  p.command(`${name} <container>`).description("Export a container's filesystem as a tar archive")
    .option('-o, --output <file>', 'Write to a file, instead of STDOUT')
    .action(async (c, opts, cmd) => (await import('../container/cp.js')).exportCommand(c, opts, cmd));

/** Top-level verbs and the `container` group, as docker has both. */
export function registerContainerCommands(program: Command, only?: string): void {
  const wanted = (name: string) => only === undefined || only === name;
  const topLevel: [Def, string][] = [
    [run, 'run'], [create, 'create'], [ps, 'ps'], [start, 'start'], [stop, 'stop'], [restart, 'restart'], [kill, 'kill'],
    [rm, 'rm'], [pause, 'pause'], [unpause, 'unpause'], [wait, 'wait'], [rename, 'rename'], [logs, 'logs'], [exec, 'exec'],
    [attach, 'attach'], [top, 'top'], [stats, 'stats'], [cp, 'cp'], [inspect, 'inspect'], [exportCmd, 'export'], [update, 'update'],
  ];
  for (const [def, name] of topLevel) if (wanted(name)) def(program, name);
  if (!wanted('container')) return;
  const group = program.command('container').description('Manage containers');
  const inGroup: [Def, string][] = [
    [run, 'run'], [create, 'create'], [start, 'start'], [stop, 'stop'], [restart, 'restart'], [kill, 'kill'], [rm, 'rm'],
    [pause, 'pause'], [unpause, 'unpause'], [wait, 'wait'], [rename, 'rename'], [logs, 'logs'], [exec, 'exec'], [attach, 'attach'],
    [top, 'top'], [stats, 'stats'], [cp, 'cp'], [containerInspect, 'inspect'], [containerPrune, 'prune'], [exportCmd, 'export'], [update, 'update'],
  ];
  for (const [def, name] of inGroup) def(group, name);
  ps(group, 'ls').aliases(['ps', 'list']);
}
