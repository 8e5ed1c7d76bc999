// The one-call-per-container verbs: start, stop, restart, kill, rm, pause, unpause, wait, rename, prune.
import type { Command } from 'commander';
import { connect } from '../context.js';
import { CliExit, forEachName, printError } from '../exit.js';
import { pumpStreams } from '../attach-io.js';
import { filtersFrom } from '../flags.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';

export async function stopCommand(verb: 'stop' | 'restart', names: string[], f: { time?: number; signal?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await forEachName(names, (n) => client.containers[verb](n, { timeout: f.time, signal: f.signal }));
}

export async function killCommand(names: string[], f: { signal?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await forEachName(names, (n) => client.containers.kill(n, { signal: f.signal }));
}

export async function rmCommand(names: string[], f: { force?: boolean; volumes?: boolean; link?: boolean }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await forEachName(names, (n) => client.containers.remove(n, { force: f.force, volumes: f.volumes, link: f.link }));
}

export async function simpleCommand(verb: 'pause' | 'unpause' | 'wait', names: string[], cmd: Command): Promise<void> {
  const client = await connect(cmd);
  if (verb === 'wait') {
    await forEachName(names, async (n) => {
      const r = await client.containers.wait(n);
      process.stdout.write(`${r.StatusCode}\n`);
    }, () => undefined);
    return;
  }
  await forEachName(names, (n) => client.containers[verb](n));
}

export async function renameCommand(container: string, newName: string, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  await client.containers.rename(container, newName);
}

/** `start`; with -a, attached like `run` (attach before start, exit with the container's code). */
export async function startCommand(names: string[], f: { attach?: boolean; interactive?: boolean; detachKeys?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  if (!f.attach && !f.interactive) {
    const failed: string[] = [];
    for (const n of names) {
      try {
        await client.containers.start(n);
        process.stdout.write(`${n}\n`);
      } catch (e) {
        printError(e);
        failed.push(n);
      }
    }
    if (failed.length) {
      process.stderr.write(`Error: failed to start containers: ${failed.join(', ')}\n`);
      throw new CliExit(1);
    }
    return;
  }
  if (names.length > 1) throw new Error('you cannot start and attach multiple containers at once');
  const id = names[0];
  const info = await client.containers.inspect(id);
  const stdin = !!f.interactive && !!info.Config.OpenStdin;
  const tty = !!info.Config.Tty;
  const attached = await client.containers.attach(id, { stream: true, stdin, stdout: true, stderr: true, detachKeys: f.detachKeys });
  const waiting = await client.containers.waitHandle(id, 'next-exit');
  try {
    await client.containers.start(id);
  } catch (e) {
    attached.socket.destroy();
    throw e;
  }
  const how = await pumpStreams(attached, { tty, stdin, resize: (r, c) => client.containers.resize(id, r, c), detachKeys: f.detachKeys });
  if (how === 'detached') return;
  const status = await waiting.result;
  throw new CliExit(status.StatusCode);
}

export async function pruneCommand(f: { force?: boolean; filter?: string[] }, cmd: Command): Promise<void> {
  if (!f.force && !(await confirm('WARNING! This will remove all stopped containers.\nAre you sure you want to continue?'))) return;
  const client = await connect(cmd);
  const r = await client.containers.prune(filtersFrom(f.filter));
  const deleted = r.ContainersDeleted ?? [];
  if (deleted.length) process.stdout.write(`Deleted Containers:\n${deleted.map((d) => `${d}\n`).join('')}\n`);
  process.stdout.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
}
