// `berth compose up` and `create`: converge the project; attached `up` then streams every
// container's log lines with Compose's prefixes and stops the project on Ctrl-C (kills on a second).
import { Option, type Command } from 'commander';
import { registryAuthHeader } from '../registry/credentials.js';
import { invalidArgument } from '../../common/errors.js';
import { checkProject, DieEvents, followAcrossRestarts, shortName, sinceOf, stopServices, up, UP_PULL_VALUES, type LogLine, type UpResult } from '../../orchestrator/index.js';
import { colorPrefixer } from './log-colors.js';
import { CliExit } from '../exit.js';
import type { ComposeIO } from './options.js';
import { collect, colorLogs, openSession, scaleFlags, timeoutFlag, type Session } from './session.js';

interface UpFlags {
  detach?: boolean;
  forceRecreate?: boolean;
  recreate?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  wait?: boolean;
  waitTimeout?: string;
  start?: boolean;
  timeout?: string;
  deps?: boolean;
  alwaysRecreateDeps?: boolean;
  abortOnContainerExit?: boolean;
  exitCodeFrom?: string;
  renewAnonVolumes?: boolean;
  build?: boolean;
  pull?: string;
  attach?: string[];
  noAttach?: string[];
  attachDependencies?: boolean;
}

export function registerUpCommands(compose: Command, io: ComposeIO): void {
  compose
    .command('up')
    .description('Create and start containers')
    .argument('[services...]', 'Services to start (with their dependencies)')
    .option('-d, --detach', 'Detached mode: Run containers in the background')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .option('--no-recreate', "If containers already exist, don't recreate them")
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--scale <SERVICE=NUM>', 'Scale SERVICE to NUM instances (repeatable)', collect)
    .option('--wait', 'Wait for services to be running|healthy. Implies detached mode.')
    .option('--wait-timeout <seconds>', 'Maximum duration in seconds to wait for the project to be running|healthy')
    .option('--no-start', "Don't start the services after creating them")
    .option('--no-deps', "Don't start linked services")
    .option('-V, --renew-anon-volumes', 'Recreate anonymous volumes instead of retrieving data from the previous containers')
    .option('--always-recreate-deps', 'Recreate dependent containers. Incompatible with --no-recreate.')
    .option('--abort-on-container-exit', 'Stops all containers if any container was stopped. Incompatible with -d')
    .option('--exit-code-from <service>', 'Return the exit code of the selected service container. Implies --abort-on-container-exit')
    .option('-t, --timeout <seconds>', 'Use this timeout in seconds for container shutdown')
    .option('--build', 'Build images before starting containers')
    .option('--no-build', "Don't build an image, even if it's missing")
    .option('--pull <policy>', 'Pull image before running ("always"|"missing"|"never"|"build")', 'policy')
    .option('--attach <service>', 'Restrict attaching to the specified services (repeatable)', collect)
    .addOption(notANegation(new Option('--no-attach <service>', 'Do not attach (stream logs) to the specified services (repeatable)').argParser(collect), 'noAttach'))
    .option('--attach-dependencies', 'Automatically attach to log output of dependent services')
    .action(async (services: string[], flags: UpFlags, cmd: Command) => {
      await runUp(services, flags, cmd, io);
    });
  compose
    .command('create')
    .description('Creates containers for a service')
    .argument('[services...]', 'Services to create')
    .option('--force-recreate', "Recreate containers even if their configuration and image haven't changed")
    .option('--no-recreate', "If containers already exist, don't recreate them")
    .option('--remove-orphans', 'Remove containers for services not defined in the Compose file')
    .option('--scale <SERVICE=NUM>', 'Scale SERVICE to NUM instances (repeatable)', collect)
    .option('--build', 'Build images before starting containers')
    .option('--no-build', "Don't build an image, even if it's missing")
    .option('--pull <policy>', 'Pull image before running ("always"|"missing"|"never"|"build")', 'policy')
    .action(async (services: string[], flags: UpFlags, cmd: Command) => {
      await runUp(services, { ...flags, detach: true, start: false }, cmd, io);
    });
}

/** `--no-attach SERVICE` takes a value: not commander's negation of `--attach`. */
function notANegation(o: Option, attribute: string): Option {
  o.negate = false;
  o.attributeName = () => attribute;
  return o;
}

async function runUp(services: string[], flags: UpFlags, cmd: Command, io: ComposeIO): Promise<void> {
  if (flags.forceRecreate && flags.recreate === false) throw invalidArgument('--force-recreate and --no-recreate are incompatible');
  if (flags.start === false && flags.wait) throw invalidArgument('--no-start and --wait are incompatible');
  if (flags.alwaysRecreateDeps && flags.recreate === false) throw invalidArgument('--always-recreate-deps and --no-recreate are incompatible');
  if (flags.pull !== undefined && !(UP_PULL_VALUES as readonly string[]).includes(flags.pull)) {
    throw invalidArgument(`invalid --pull option "${flags.pull}": expected ${UP_PULL_VALUES.filter((v) => v !== 'policy').join(', ')} or policy`);
  }
  const abort = flags.abortOnContainerExit === true || flags.exitCodeFrom !== undefined;
  if (abort && flags.detach) throw invalidArgument('--abort-on-container-exit and --detach are incompatible');
  const timeout = timeoutFlag(flags.timeout);
  const waitTimeout = flags.waitTimeout === undefined ? undefined : timeoutFlag(flags.waitTimeout);
  // Exits are read from the engine's events from here on (less a second of clock slack).
  const since = sinceOf((Date.now() - 1000) * 1e6);
  const session = await openSession(cmd, io, { check: (project) => checkProject(project, services) });
  const result = await up(session.client, session.project, {
    services,
    recreate: flags.forceRecreate ? 'force' : flags.recreate === false ? 'never' : 'diverged',
    removeOrphans: flags.removeOrphans,
    scale: scaleFlags(flags.scale),
    noStart: flags.start === false,
    wait: flags.wait,
    waitTimeout,
    noDeps: flags.deps === false,
    alwaysRecreateDeps: flags.alwaysRecreateDeps,
    renewAnonymousVolumes: flags.renewAnonVolumes,
    timeout,
    build: flags.build === true ? 'always' : flags.build === false ? 'never' : 'missing',
    pull: flags.pull,
    buildOutput: io.stdout,
    pullAuth: registryAuthHeader,
  }, session.reporter);
  if (flags.detach || flags.wait || flags.start === false) return;
  if (flags.exitCodeFrom !== undefined && !result.containers[flags.exitCodeFrom]?.length) throw invalidArgument(`no such service: ${flags.exitCodeFrom}`);
  // The progress block is final before the logs start below it.
  session.reporter.close();
  for (const name of [...(flags.attach ?? []), ...(flags.noAttach ?? [])]) if (!session.project.services[name]) throw invalidArgument(`no such service: ${name}`);
  // Compose's choice: --attach, else the services named (with --attach-dependencies, what they
  // depend on too), else all; less --no-attach.
  // A service saying `attach: false` is followed only when --attach names it.
  const attachTo = new Set(flags.attach?.length ? flags.attach : (services.length && !flags.attachDependencies ? services : Object.keys(result.containers))
    .filter((name) => session.project.services[name]?.attach !== false));
  for (const name of flags.noAttach ?? []) attachTo.delete(name);
  if (flags.exitCodeFrom !== undefined) attachTo.add(flags.exitCodeFrom);
  await attach(session, result, { timeout, abort, exitCodeFrom: flags.exitCodeFrom, color: colorLogs(cmd, io), since, services: attachTo }, io);
}

interface AttachOptions { timeout?: number; abort: boolean; exitCodeFrom?: string; color: boolean; since: string; services: Set<string> }

/**
 * Follows every container's logs, across restarts, until all have stopped for good; Ctrl-C stops
 * them (twice: kills). With --abort-on-container-exit the first container to exit stops the
 * others, and its exit code (or, with --exit-code-from, that service's) becomes berth's.
 */
async function attach(s: Session, result: UpResult, opts: AttachOptions, io: ComposeIO): Promise<void> {
  const { timeout } = opts;
  const containers = Object.values(result.containers).flat().filter((c) => opts.services.has(c.service)).sort((a, b) => a.name.localeCompare(b.name));
  const names = containers.map((c) => shortName(s.project.name, c.name));
  const prefix = colorPrefixer(names, opts.color);
  io.stdout(`Attaching to ${names.join(', ')}\n`);
  let stopping: Promise<void> | undefined;
  let interrupted = false;
  let firstExit: number | undefined;
  const exitCodes = new Map<string, number>();
  const stopAll = () => {
    stopping = stopServices(s.client, s.project, [], timeout, s.reporter);
    stopping.catch((e: unknown) => io.stderr(`${e instanceof Error ? e.message : String(e)}\n`));
  };
  const onSigint = () => {
    interrupted = true;
    if (!stopping) {
      io.stdout('Gracefully stopping... (press Ctrl+C again to force)\n');
      stopAll();
    } else {
      for (const c of Object.values(result.containers).flat()) s.client.containers.kill(c.id).catch(() => undefined);
    }
  };
  process.on('SIGINT', onSigint);
  const dies = new DieEvents(s.client, s.project.name, opts.since);
  try {
    await Promise.all(containers.map(async (c) => {
      const name = shortName(s.project.name, c.name);
      const line = (l: LogLine) => (l.stream === 'stderr' ? io.stderr : io.stdout)(`${prefix(l.source)}${l.text}\n`);
      await followAcrossRestarts(s.client, s.project.name, c, dies, line, ({ exitCode }) => {
        // Compose says nothing more once it is stopping the project itself.
        if (!stopping) io.stdout(`${name} exited with code ${exitCode}\n`);
        if (!exitCodes.has(c.service)) exitCodes.set(c.service, exitCode);
        if (opts.abort && !stopping) {
          firstExit = exitCode;
          io.stdout('Aborting on container exit...\n');
          stopAll();
        }
      }, opts.since);
    }));
    if (stopping) await stopping;
    if (interrupted) throw new CliExit(130);
    const code = opts.exitCodeFrom !== undefined ? exitCodes.get(opts.exitCodeFrom) : opts.abort ? firstExit : undefined;
    if (code) throw new CliExit(code);
  } finally {
    dies.close();
    process.off('SIGINT', onSigint);
  }
}
