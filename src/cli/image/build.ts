// `berth build`: sends a context (a directory tarred here minus .dockerignore, a tar file, or
// stdin: a tar or a lone Dockerfile) to POST /build and prints the classic builder's output.
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Command } from 'commander';
import { invalidArgument, isBerthError } from '../../common/errors.js';
import { CliExit } from '../exit.js';
import { contextTar, type EngineClient } from '../../api/client/index.js';
import { connect } from '../context.js';
import { progressDisplay } from '../output/progress.js';
import { humanSize4 } from '../output/units.js';
import { registryConfigHeader } from '../registry/credentials.js';

export interface BuildFlags {
  tag?: string[];
  file?: string;
  buildArg?: string[];
  target?: string;
  cache?: boolean;
  pull?: boolean;
  label?: string[];
  network?: string;
  progress?: string;
  quiet?: boolean;
  rm?: boolean;
  forceRm?: boolean;
}

/** KEY=VALUE pairs; a bare KEY takes its value from this environment (dropped when unset), as docker does. */
function buildArgs(list: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) {
    const i = a.indexOf('=');
    if (i === 0) throw invalidArgument(`invalid argument "${a}" for "--build-arg" flag: invalid key`);
    if (i > 0) out[a.slice(0, i)] = a.slice(i + 1);
    else if (process.env[a] !== undefined) out[a] = process.env[a] as string;
  }
  return out;
}

function labels(list: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    out[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  return out;
}

async function readAll(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Passes the context through, then says how much was sent as the docker CLI does ("Sending build
 * context to Docker daemon  2.048kB"; on a terminal the figure counts up while it goes).
 */
async function* announceUpload(context: AsyncIterable<Buffer>, tty: boolean): AsyncGenerator<Buffer> {
  const line = (n: number) => `Sending build context to Docker daemon  ${humanSize4(n).padStart(7)}`;
  let sent = 0;
  let shown = 0;
  for await (const c of context) {
    sent += c.length;
    if (tty && Date.now() - shown > 100) { process.stdout.write(`\r${line(sent)}`); shown = Date.now(); }
    yield c;
  }
  process.stdout.write(`${tty ? '\r' : ''}${line(sent)}\n`);
}

export async function buildCommand(contextArg: string, f: BuildFlags, cmd: Command): Promise<void> {
  if (f.progress && !['auto', 'plain', 'tty', 'quiet', 'rawjson'].includes(f.progress)) {
    throw invalidArgument(`invalid argument "${f.progress}" for "--progress" flag: must be one of auto, plain, tty, quiet, rawjson`);
  }
  let context: Readable;
  let client: EngineClient | undefined;
  let dockerfile: string | undefined;
  const fileFlag = f.file;
  if (contextArg === '-') {
    if (fileFlag === '-') throw invalidArgument('invalid argument: can\'t use stdin for both build context and dockerfile');
    // A tar or a lone Dockerfile: the daemon tells them apart.
    context = process.stdin;
    dockerfile = fileFlag;
  } else {
    const st = await lstat(contextArg).catch(() => undefined);
    if (!st) throw invalidArgument(`unable to prepare context: path "${contextArg}" not found`);
    if (st.isFile()) {
      // A tar (or compressed tar) as the context.
      context = createReadStream(contextArg);
      dockerfile = fileFlag;
    } else {
      const dir = resolve(contextArg);
      let extra: { name: string; content: Buffer } | undefined;
      if (fileFlag === '-') {
        extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, content: await readAll(process.stdin) };
        dockerfile = extra.name;
      } else if (fileFlag) {
        const abs = isAbsolute(fileFlag) ? fileFlag : resolve(fileFlag);
        const rel = relative(dir, abs);
        if (rel.startsWith('..') || isAbsolute(rel)) {
          // A Dockerfile outside the context travels inside it under a random name (docker does the same).
          const content = await readFile(abs).catch(() => { throw invalidArgument(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${abs}: no such file or directory`); });
          extra = { name: `.dockerfile.${randomBytes(10).toString('hex')}`, content };
          dockerfile = extra.name;
        } else dockerfile = rel.split(sep).join('/');
      }
      const keep = [dockerfile ?? 'Dockerfile', '.dockerignore'];
      if (!extra) {
        const df = await lstat(join(dir, dockerfile ?? 'Dockerfile')).catch(() => undefined);
        const lower = dockerfile ? undefined : await lstat(join(dir, 'dockerfile')).catch(() => undefined);
        if (!df && !lower) throw invalidArgument(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${join(dir, dockerfile ?? 'Dockerfile')}: no such file or directory`);
        if (!df && lower) keep[0] = 'dockerfile';
      }
      // The directory walk and the engine's /_ping overlap (a streamed body cannot be sent at a
      // guessed API version and again after a refusal: the version is settled before, see transport.ts).
      [context, client] = await Promise.all([contextTar(dir, keep, extra), connect(cmd).then(async (c) => (await c.apiVersion(), c))]);
    }
  }
  client ??= await connect(cmd);
  const quiet = f.quiet || f.progress === 'quiet';
  const tty = f.progress === 'tty' || ((!f.progress || f.progress === 'auto') && process.stdout.isTTY === true);
  if (!quiet && f.progress !== 'rawjson') context = Readable.from(announceUpload(context, tty));
  let id = '';
  const stream = client.builds.build(context, {
    tags: f.tag, dockerfile: dockerfile && basename(dockerfile) === dockerfile ? dockerfile : dockerfile, buildArgs: buildArgs(f.buildArg),
    target: f.target, noCache: f.cache === false, pull: f.pull, labels: labels(f.label), networkMode: f.network,
    quiet, rm: f.rm ?? true, forceRm: f.forceRm, registryConfig: registryConfigHeader(),
  });
  // Step output as text; a pulled FROM image's progress as `pull` shows it (bars in place on a terminal).
  const display = progressDisplay((s) => process.stdout.write(s), tty);
  try {
    for await (const msg of stream) {
      if (f.progress === 'rawjson') { process.stdout.write(`${JSON.stringify(msg)}\n`); continue; }
      const aux = msg.aux as { ID?: string } | undefined;
      if (aux?.ID) id = aux.ID;
      if (!quiet && (msg.stream || msg.status)) display.show(msg);
    }
  } catch (e) {
    // A step that failed is reported in the build's stream: docker prints its message as it is, exit 1.
    if (isBerthError(e) && e.details.inStream === true) {
      process.stderr.write(`${e.message}\n`);
      throw new CliExit(1);
    }
    throw e;
  } finally {
    display.end();
  }
  if (quiet) process.stdout.write(`${id}\n`);
}
