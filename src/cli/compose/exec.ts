// `berth compose exec SERVICE COMMAND...`: run a command in a service's running container, with a
// TTY unless -T (or stdin is not a terminal), as docker compose does.
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import { serviceContainer } from '../../orchestrator/index.js';
import { execCommand } from '../container/exec.js';
import type { ComposeIO } from './options.js';
import { collect, openSession } from './session.js';

interface ComposeExecFlags { detach?: boolean; tty?: boolean; env?: string[]; workdir?: string; user?: string; privileged?: boolean; index?: string }

export function registerExecCommand(compose: Command, io: ComposeIO): void {
  compose
    .command('exec')
    .description('Execute a command in a running container')
    .argument('<service>', 'Service')
    .argument('<command...>', 'Command and arguments')
    .option('-d, --detach', 'Detached mode: Run command in the background')
    .option('-T, --no-tty', 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.')
    .option('-e, --env <KEY=VAL>', 'Set environment variables (repeatable)', collect)
    .option('-w, --workdir <dir>', 'Path to workdir directory for this command')
    .option('-u, --user <user>', 'Run the command as this user')
    .option('--privileged', 'Give extended privileges to the process')
    .option('--index <n>', 'Index of the container if service has multiple replicas', '1')
    .passThroughOptions()
    .action(async (service: string, command: string[], flags: ComposeExecFlags, cmd: Command) => {
      const index = Number(flags.index);
      if (!Number.isInteger(index) || index < 1) throw invalidArgument(`invalid --index "${flags.index}"`);
      const s = await openSession(cmd, io, { fileless: true });
      const target = await serviceContainer(s.client, s.project, service, index);
      const tty = flags.tty !== false && process.stdin.isTTY === true;
      await execCommand(target.Id, command, {
        interactive: true, tty, detach: flags.detach, env: flags.env, workdir: flags.workdir, user: flags.user, privileged: flags.privileged,
      }, cmd);
    });
}
