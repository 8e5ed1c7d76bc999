// `berth compose up` and `create`: converge the project; attached `up` then streams every
// container's log lines with Compose's prefixes and stops the project on Ctrl-C (kills on a second).
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { checkProject, containerLogLines, prefixer, shortName, stopServices, up, type UpResult } from '../../orchestrator/index.js';
import { CliExit } from '../exit.js';
import type { ComposeIO } from './options.js';
import { collect, openSession, scaleFlags, timeoutFlag, type Session } from './session.js';

interface UpFlags {
  detach?: boolean;
  forceRecreate?: boolean;
  recreate?: boolean;
  removeOrphans?: boolean;
  scale?: string[];
  wait?: boolean;
  start?: boolean;
  timeout?: string;
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
    .option('--no-start', "Don't start the services after creating them")
    .option('-t, --timeout <seconds>', 'Use this timeout in seconds for container shutdown')
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
    .action(async (services: string[], flags: UpFlags, cmd: Command) => {
      await runUp(services, { ...flags, detach: true, start: false }, cmd, io);
    });
}

async function runUp(services: string[], flags: UpFlags, cmd: Command, io: ComposeIO): Promise<void> {
  if (flags.forceRecreate && flags.recreate === false) throw invalidArgument('--force-recreate and --no-recreate are incompatible');
  if (flags.start === false && flags.wait) throw invalidArgument('--no-start and --wait are incompatible');
  const timeout = timeoutFlag(flags.timeout);
  const session = await openSession(cmd, io, (project) => checkProject(project, services));
  const result = await up(session.client, session.project, {
    services,
    recreate: flags.forceRecreate ? 'force' : flags.recreate === false ? 'never' : 'diverged',
    removeOrphans: flags.removeOrphans,
    scale: scaleFlags(flags.scale),
    noStart: flags.start === false,
    wait: flags.wait,
    timeout,
  }, session.reporter);
  if (flags.detach || flags.wait || flags.start === false) return;
  await attach(session, result, timeout, io);
}

/** Follows every container's logs until all have stopped; Ctrl-C stops them (twice: kills). */
async function attach(s: Session, result: UpResult, timeout: number | undefined, io: ComposeIO): Promise<void> {
  const containers = Object.values(result.containers).flat().sort((a, b) => a.name.localeCompare(b.name));
  const names = containers.map((c) => shortName(s.project.name, c.name));
  const prefix = prefixer(names);
  io.stdout(`Attaching to ${names.join(', ')}\n`);
  let stopping: Promise<void> | undefined;
  const onSigint = () => {
    if (!stopping) {
      io.stdout('Gracefully stopping... (press Ctrl+C again to force)\n');
      stopping = stopServices(s.client, s.project, [], timeout, s.reporter);
      stopping.catch((e: unknown) => io.stderr(`${e instanceof Error ? e.message : String(e)}\n`));
    } else {
      for (const c of containers) s.client.containers.kill(c.id).catch(() => undefined);
    }
  };
  process.on('SIGINT', onSigint);
  try {
    await Promise.all(containers.map(async (c) => {
      const name = shortName(s.project.name, c.name);
      await containerLogLines(s.client, s.project.name, c, { follow: true }, (l) => {
        (l.stream === 'stderr' ? io.stderr : io.stdout)(`${prefix(l.source)}${l.text}\n`);
      });
      const info = await s.client.containers.inspect(c.id);
      io.stdout(`${name} exited with code ${info.State.ExitCode}\n`);
    }));
    if (stopping) {
      await stopping;
      throw new CliExit(130);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}
