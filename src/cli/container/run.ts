// `run` and `create`, in the docker CLI's order: create (pulling a missing image) → attach (unless
// -d) → wait (next-exit, or removed for --rm) → start → stream → exit with the wait's status.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { isBerthError } from '../../common/errors.js';
import type { EngineClient, ContainerCreateBody } from '../../api/client/index.js';
import { connect } from '../context.js';
import { CliExit, errorLine } from '../exit.js';
import { withLatest } from '../flags.js';
import { pullWithProgress } from '../image/transfer.js';
import { proxySignals, pumpStreams } from '../attach-io.js';
import { buildCreateBody, type CreateFlags } from './create-options.js';

const pull = (client: EngineClient, image: string, quiet: boolean) =>
  pullWithProgress(client, image, quiet ? undefined : (l) => void process.stderr.write(l));

/** Creates the container; a missing image is pulled first unless --pull never (docker's order and messages). */
async function createContainer(client: EngineClient, body: ContainerCreateBody, f: CreateFlags): Promise<string> {
  const image = body.Image ?? '';
  if (f.pull === 'always') await pull(client, image, !!f.quiet);
  let created;
  try {
    created = await client.containers.create(body, { name: f.name, platform: f.platform });
  } catch (e) {
    // Only a missing image is pulled: other not-found answers (--volumes-from, a network) are the error.
    if (!isBerthError(e, 'not_found') || !/no such image/i.test(e.message) || f.pull === 'never' || f.pull === 'always') throw e;
    process.stderr.write(`Unable to find image '${withLatest(image)}' locally\n`);
    await pull(client, image, !!f.quiet);
    created = await client.containers.create(body, { name: f.name, platform: f.platform });
  }
  for (const w of created.Warnings ?? []) process.stderr.write(`WARNING: ${w}\n`);
  if (f.cidfile) writeFileSync(f.cidfile, created.Id);
  return created.Id;
}

/** docker's exit codes when the container cannot start its command: 127 not found, 126 not runnable, else 125. */
function startFailureCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}

/** Any failure of run/create is printed as docker prints it and ends with `code`. */
function fail(e: unknown, verb: string, code = 125): never {
  if (e instanceof CliExit) throw e;
  const line = e instanceof Error && e.message.startsWith('invalid argument') ? e.message : `berth: ${errorLine(e)}`;
  process.stderr.write(`${line}\n\nRun 'berth ${verb} --help' for more information\n`);
  throw new CliExit(code);
}

export async function createCommand(image: string, args: string[], f: CreateFlags, cmd: Command): Promise<void> {
  try {
    const client = await connect(cmd);
    const body = buildCreateBody(image, args, f);
    const id = await createContainer(client, body, f);
    process.stdout.write(`${id}\n`);
  } catch (e) {
    fail(e, 'create');
  }
}

export async function runCommand(image: string, args: string[], f: CreateFlags, cmd: Command): Promise<void> {
  if (f.tty && f.interactive && !f.detach && !process.stdin.isTTY) {
    process.stderr.write('the input device is not a TTY\n');
    throw new CliExit(1);
  }
  let client: EngineClient;
  let id: string;
  let body: ContainerCreateBody;
  try {
    client = await connect(cmd);
    body = buildCreateBody(image, args, f);
    // The TTY starts at our size (API >= 1.42), so the first lines are not laid out for 80x24.
    if (f.tty && process.stdout.isTTY && body.HostConfig) body.HostConfig.ConsoleSize = [process.stdout.rows, process.stdout.columns];
    id = await createContainer(client, body, f);
  } catch (e) {
    fail(e, 'run');
  }
  if (f.detach) {
    try {
      await client.containers.start(id);
    } catch (e) {
      fail(e, 'run', startFailureCode(errorLine(e)));
    }
    process.stdout.write(`${id}\n`);
    return;
  }
  // Attach and wait are independent of each other; both must be in place before start.
  const [attached, waiting] = await Promise.all([
    body.AttachStdout || body.AttachStderr || body.AttachStdin
      ? client.containers.attach(id, { stream: true, stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, detachKeys: f.detachKeys })
      : undefined,
    client.containers.waitHandle(id, f.rm ? 'removed' : 'next-exit'),
  ]);
  try {
    await client.containers.start(id);
  } catch (e) {
    attached?.socket.destroy();
    fail(e, 'run', startFailureCode(errorLine(e)));
  }
  if (attached) {
    const stopProxy = f.tty ? () => {} : proxySignals(client, id);
    const how = await pumpStreams(attached, {
      tty: !!f.tty,
      stdin: !!body.AttachStdin,
      resize: (rows, cols) => client.containers.resize(id, rows, cols),
      detachKeys: f.detachKeys,
    }).finally(stopProxy);
    if (how === 'detached') return;
  }
  const status = await waiting.result;
  if (status.Error?.Message) process.stderr.write(`berth: ${status.Error.Message}\n`);
  throw new CliExit(status.StatusCode);
}
