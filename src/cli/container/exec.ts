// `exec` and `attach`: hijacked streams joined to this terminal; exit with the process's code.
import type { Command } from 'commander';
import type { EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { CliExit } from '../exit.js';
import { proxySignals, pumpStreams } from '../attach-io.js';
import { environment } from './create-options.js';
import { failedPrecondition } from '../../common/errors.js';

export interface ExecFlags { interactive?: boolean; tty?: boolean; detach?: boolean; env?: string[]; envFile?: string[]; workdir?: string; user?: string; privileged?: boolean; detachKeys?: string }

export async function execCommand(container: string, command: string[], f: ExecFlags, cmd: Command): Promise<void> {
  if (f.tty && f.interactive && !f.detach && !process.stdin.isTTY) {
    process.stderr.write('the input device is not a TTY\n');
    throw new CliExit(1);
  }
  const client = await connect(cmd);
  const tty = !!f.tty;
  const consoleSize: [number, number] | undefined = tty && process.stdout.isTTY ? [process.stdout.rows, process.stdout.columns] : undefined;
  const id = await client.exec.create(container, {
    AttachStdin: !!f.interactive && !f.detach,
    AttachStdout: !f.detach,
    AttachStderr: !f.detach,
    Tty: tty,
    Env: environment(f.envFile, f.env),
    WorkingDir: f.workdir,
    User: f.user,
    Privileged: f.privileged,
    DetachKeys: f.detachKeys,
    ConsoleSize: consoleSize,
    Cmd: command,
  });
  if (f.detach) {
    await client.exec.startDetached(id, { tty });
    return;
  }
  const stream = await client.exec.start(id, { tty, consoleSize });
  const how = await pumpStreams(stream, { tty, stdin: !!f.interactive, resize: (r, c) => client.exec.resize(id, r, c), detachKeys: f.detachKeys });
  if (how === 'detached') return;
  const result = await client.exec.inspect(id);
  if (result.ExitCode) throw new CliExit(result.ExitCode);
}

export async function attachCommand(container: string, f: AttachFlags, cmd: Command): Promise<void> {
  await attachToContainer(await connect(cmd), container, f);
}

export interface AttachFlags { stdin?: boolean; detachKeys?: string; sigProxy?: boolean }

/** `attach` (also `compose attach`): the container's streams joined to ours until it exits; its exit code is ours. */
export async function attachToContainer(client: EngineClient, container: string, f: AttachFlags): Promise<void> {
  const info = await client.containers.inspect(container);
  if (!info.State.Running) throw failedPrecondition('You cannot attach to a stopped container, start it first');
  if (info.State.Paused) throw failedPrecondition('You cannot attach to a paused container, unpause it first');
  const stdin = f.stdin !== false && !!info.Config.OpenStdin;
  const waiting = await client.containers.waitHandle(container);
  const stream = await client.containers.attach(container, { stream: true, stdin, stdout: true, stderr: true, detachKeys: f.detachKeys });
  const tty = !!info.Config.Tty;
  // --sig-proxy (docker's default): without a TTY, Ctrl-C and friends go to the container's process.
  const unproxy = f.sigProxy !== false && !tty ? proxySignals(client, info.Id) : () => undefined;
  try {
    const how = await pumpStreams(stream, { tty, stdin, resize: (r, c) => client.containers.resize(container, r, c), detachKeys: f.detachKeys });
    if (how === 'detached') return;
    const status = await waiting.result;
    if (status.StatusCode) throw new CliExit(status.StatusCode);
  } finally {
    unproxy();
  }
}
