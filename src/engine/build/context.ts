// The build context: the client's tar (plain or gzip) read into a ContextTree, minus what
// .dockerignore excludes (clients usually leave those out already; the API takes any tar).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { invalidArgument } from '../../common/errors.js';
import { decompressed } from '../images/decompress.js';
import { DockerIgnore } from '../../common/dockerignore.js';
import { ContextTree, readContextTar, treeKey } from './context-tree.js';

export interface BuildContext {
  tree: ContextTree;
  dockerfileName: string;
  dockerfile: string;
  ignore: DockerIgnore;
}

/**
 * Reads the context tar. A body that is not a tar is a Dockerfile on its own (as
 * `docker build - < Dockerfile` sends it): it becomes the context's `Dockerfile`.
 */
export async function receiveContext(tar: AsyncIterable<Buffer>, spoolDir: () => Promise<string>): Promise<ContextTree> {
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
  if (head.length === 0) return new ContextTree();
  if (head.length < 512 || head.subarray(257, 262).toString('latin1') !== 'ustar') {
    const chunks: Buffer[] = [];
    for await (const c of all()) chunks.push(c);
    const tree = new ContextTree();
    const data = Buffer.concat(chunks);
    tree.set('Dockerfile', { type: 'file', mode: 0o644, mtime: new Date(), data, digest: createHash('sha256').update(data).digest('hex') });
    return tree;
  }
  return readContextTar(all(), spoolDir);
}

/** Reads the Dockerfile (`dockerfile` as a fallback name) and .dockerignore, then drops ignored files. */
export async function openContext(tree: ContextTree, dockerfile = 'Dockerfile'): Promise<BuildContext> {
  const normalized = posix.normalize(dockerfile.replace(/^\/+/, ''));
  if (normalized === '..' || normalized.startsWith('../')) throw invalidArgument(`The Dockerfile (${dockerfile}) must be within the build context`);
  const name = treeKey(normalized);
  let text: string | undefined;
  let used = name;
  for (const candidate of name === 'Dockerfile' ? ['Dockerfile', 'dockerfile'] : [name]) {
    if (tree.lstat(candidate)?.type === 'file') { text = (await tree.readFile(candidate)).toString('utf8'); used = candidate; break; }
  }
  if (text === undefined) throw invalidArgument(`Cannot locate specified Dockerfile: ${dockerfile}`);
  const ignoreText = tree.lstat('.dockerignore')?.type === 'file' ? (await tree.readFile('.dockerignore')).toString('utf8') : '';
  const ignore = new DockerIgnore(ignoreText);
  if (!ignore.empty) tree.removeIgnored(ignore);
  return { tree, dockerfileName: posix.basename(used), dockerfile: text, ignore };
}
