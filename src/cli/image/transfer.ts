// Images in and out as tar streams: `import` (rootfs tar), `load` / `save` (docker-save and OCI
// archives), `pull`. Bodies are streamed, never read whole.
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { invalidArgument } from '../../common/errors.js';
import type { EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { splitRepoTag } from '../flags.js';

export async function importCommand(file: string, reference: string | undefined, f: { change?: string[]; message?: string; platform?: string }, cmd: Command): Promise<void> {
  const client = await connect(cmd);
  const [repo, tag] = reference ? splitRepoTag(reference) : [undefined, undefined];
  const remote = /^(https?):\/\//.test(file);
  const source = file === '-' ? process.stdin : remote ? null : createReadStream(file);
  let last = '';
  for await (const msg of client.images.import(source, { source: remote ? file : '-', repo, tag: tag || undefined, message: f.message, changes: f.change, platform: f.platform })) {
    if (msg.status) last = msg.status;
  }
  process.stdout.write(`${last}\n`);
}

export async function loadCommand(f: { input?: string; quiet?: boolean }, cmd: Command): Promise<void> {
  if (!f.input && process.stdin.isTTY) throw invalidArgument('requested load from stdin, but stdin is empty');
  const client = await connect(cmd);
  const input = f.input ? createReadStream(f.input) : process.stdin;
  for await (const msg of client.images.load(input, { quiet: f.quiet })) {
    if (msg.stream) process.stdout.write(msg.stream);
    else if (msg.status && !f.quiet) process.stdout.write(`${msg.status}\n`);
  }
}

export async function saveCommand(names: string[], f: { output?: string }, cmd: Command): Promise<void> {
  if (!f.output && process.stdout.isTTY) throw invalidArgument('cowardly refusing to save to a terminal. Use the -o flag or redirect');
  const client = await connect(cmd);
  const body = await client.images.save(names);
  await pipeline(body, f.output ? createWriteStream(f.output) : process.stdout);
}

/** Pulls `image` (":latest" when untagged), writing each status line (layer progress bars left out) to `out`. */
export async function pullWithProgress(client: EngineClient, image: string, out: ((line: string) => void) | undefined): Promise<void> {
  const { pullImage } = await import('./registry.js');
  await pullImage(client, image, {}, out);
}
