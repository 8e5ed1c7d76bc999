// `berth compose run SERVICE [COMMAND...]`: a one-off container attached to this terminal (a TTY
// unless -T or stdin is not one), its exit code berth's; --rm removes it afterwards, -d prints its name.
import type { Command } from 'commander';
import { createOneOff } from '../../orchestrator/index.js';
import { splitShellWords } from '../../compose/shellwords.js';
import { pumpStreams } from '../attach-io.js';
import { CliExit } from '../exit.js';
import type { ComposeIO } from './options.js';
import { collect, openSession } from './session.js';
import { addProcessFlags } from '../process-flags.js';

interface RunFlags {
  detach?: boolean; rm?: boolean; tty?: boolean; env?: string[]; entrypoint?: string; servicePorts?: boolean; deps?: boolean;
  name?: string; user?: string; workdir?: string; interactive?: boolean; publish?: string[]; volume?: string[];
}

export function registerRunCommand(compose: Command, io: ComposeIO): void {
  addProcessFlags(compose.command('run'), ['detach', 'rm', 'interactive', 'env', 'entrypoint', 'name', 'user', 'workdir'], { entrypoint: 'Override the entrypoint of the image' }, { interactive: true })
    .description('Run a one-off command on a service')
    .argument('<service>', 'Service')
    .argument('[command...]', 'Command and arguments')
    .option('-T, --no-tty', 'Disable pseudo-TTY allocation (default: auto-detected)')
    .option('-P, --service-ports', "Run command with all service's ports enabled and mapped to the host")
    .option('--no-deps', "Don't start linked services")
    .option('-p, --publish <port>', "Publish a container's port(s) to the host (repeatable)", collect)
    .option('-v, --volume <volume>', 'Bind mount a volume (repeatable)', collect)
    .passThroughOptions()
    .action(async (service: string, command: string[], flags: RunFlags, cmd: Command) => {
      const s = await openSession(cmd, io);
      const tty = flags.tty !== false && process.stdin.isTTY === true && !flags.detach;
      const interactive = !flags.detach && flags.interactive !== false;
      const one = await createOneOff(s.client, s.project, service, {
        command, entrypoint: flags.entrypoint === undefined ? undefined : splitShellWords(flags.entrypoint), env: flags.env, tty, interactive,
        servicePorts: flags.servicePorts, noDeps: flags.deps === false, name: flags.name, user: flags.user, workdir: flags.workdir,
        publish: flags.publish, volumes: flags.volume,
      }, s.reporter);
      const { client } = s;
      if (flags.detach) {
        await client.containers.start(one.id);
        io.stdout(`${one.name}\n`);
        return;
      }
      const [attached, waiting] = await Promise.all([
        client.containers.attach(one.id, { stream: true, stdin: interactive, stdout: true, stderr: true }),
        client.containers.waitHandle(one.id, 'next-exit'),
      ]);
      let code = 0;
      try {
        await client.containers.start(one.id);
        const how = await pumpStreams(attached, { tty, stdin: interactive, resize: (r, c) => client.containers.resize(one.id, r, c) });
        if (how === 'detached') return;
        code = (await waiting.result).StatusCode;
      } finally {
        attached.socket.destroy();
        if (flags.rm) await client.containers.remove(one.id, { force: true }).catch(() => undefined);
      }
      if (code) throw new CliExit(code);
    });
}
