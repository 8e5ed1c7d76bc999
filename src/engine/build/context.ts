// The build context: the client's tar (plain or gzip) unpacked into a temp dir, minus what
// .dockerignore excludes (clients usually leave those out already; the API takes any tar).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { lstat, readFile, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable as ReadableStream } from 'node:stream';
import { invalidArgument } from '../../common/errors.js';
import { decompressed } from '../images/decompress.js';
import { DockerIgnore } from '../../common/dockerignore.js';

export interface BuildContext {
  dir: string;
  dockerfileName: string;
  dockerfile: string;
  ignore: DockerIgnore;
}

/**
 * Unpacks the context tar into `dir`. A body that is not a tar is a Dockerfile on its own (as
 * `docker build - < Dockerfile` sends it): it becomes `dir/Dockerfile`.
 */
export async function unpackContext(tar: Readable, dir: string): Promise<void> {
  const it = decompressed(tar)[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 512 && !done) {
    const r = await it.next();
    if (r.done) done = true; else head = Buffer.concat([head, r.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) { const r = await it.next(); if (r.done) return; yield r.value; }
  }
  if (head.length === 0) return;
  if (head.length < 512 || head.subarray(257, 262).toString('latin1') !== 'ustar') {
    await pipeline(ReadableStream.from(all()), createWriteStream(join(dir, 'Dockerfile')));
    return;
  }
  const child = spawn('tar', ['-x', '-C', dir, '--no-same-owner', '-f', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  try {
    await pipeline(ReadableStream.from(all()), child.stdin);
  } catch (e) {
    child.kill();
    await exited;
    throw invalidArgument(`invalid build context: ${(e as Error).message}`);
  }
  const code = await exited;
  if (code !== 0) throw invalidArgument(`invalid build context: ${stderr.trim().split('\n')[0]}`);
}

/** Reads the Dockerfile (also a single-file context that is not a tar) and .dockerignore, then drops ignored files. */
export async function openContext(dir: string, dockerfile = 'Dockerfile'): Promise<BuildContext> {
  const name = posix.normalize(dockerfile.replace(/^\/+/, ''));
  if (name.startsWith('../')) throw invalidArgument(`The Dockerfile (${dockerfile}) must be within the build context`);
  let text: string | undefined;
  let used = name;
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    const st = await lstat(join(dir, candidate)).catch(() => undefined);
    if (st?.isFile()) { text = await readFile(join(dir, candidate), 'utf8'); used = candidate; break; }
  }
  if (text === undefined) throw invalidArgument(`Cannot locate specified Dockerfile: ${dockerfile}`);
  const ignoreText = await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => '');
  const ignore = new DockerIgnore(ignoreText);
  if (!ignore.empty) await removeIgnored(dir, '', ignore);
  return { dir, dockerfileName: posix.basename(used), dockerfile: text, ignore };
}

async function removeIgnored(root: string, rel: string, ignore: DockerIgnore): Promise<void> {
  for (const name of await readdir(rel ? join(root, rel) : root)) {
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, r));
    if (st.isDirectory()) {
      if (ignore.skipsDir(r)) { await rm(join(root, r), { recursive: true, force: true }); continue; }
      await removeIgnored(root, r, ignore);
    } else if (ignore.ignores(r)) await rm(join(root, r), { force: true });
  }
}
