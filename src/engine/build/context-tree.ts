// The build context as a tree in memory: the client's tar is parsed once as it arrives, every
// file's sha256 taken on the way. A fully cached rebuild then finds and hashes COPY sources
// without writing the context anywhere; the tree is written to disk (`materialize`) only when a
// step has to copy files. Big contexts keep file contents in spool files instead of memory.
import { createHash } from 'node:crypto';
import { chmod, copyFile, link, lutimes, mkdir, open, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { extract as tarExtract } from 'tar-stream';
import { BerthError, invalidArgument } from '../../common/errors.js';
import { drained } from '../images/fsutil.js';
import type { DockerIgnore } from '../../common/dockerignore.js';
import { scopedWalk } from './scoped-path.js';

export interface ContextEntry {
  type: 'file' | 'dir' | 'symlink';
  /** Permission bits (0o7777). */
  mode: number;
  mtime: Date;
  /** file: sha256 (hex) of the content. */
  digest?: string;
  /** file: the content, when held in memory ... */
  data?: Buffer;
  /** ... or the spool file holding it. */
  spool?: string;
  /** symlink: its target as written. */
  linkname?: string;
  /** A hard link in the tar: the path it links to (materialized as a hard link too). */
  hardlinkOf?: string;
}

/** Contents above this (in total) go to spool files rather than memory. */
const MEMORY_LIMIT = 64 << 20;

/** Cleans a tar or COPY path to the tree's key: relative, no `.`/`..`, '' for the root. */
export const treeKey = (p: string) => posix.normalize('/' + p).slice(1).replace(/\/+$/, '');

export class ContextTree {
  readonly entries = new Map<string, ContextEntry>([['', { type: 'dir', mode: 0o755, mtime: new Date() }]]);
  private readonly kids = new Map<string, Set<string>>([['', new Set()]]);

  lstat(key: string): ContextEntry | undefined {
    return this.entries.get(key);
  }

  /** Sorted child names of a directory. */
  readdir(key: string): string[] {
    return [...(this.kids.get(key) ?? [])].sort();
  }

  /**
   * `path`'s key with every symlink on the way resolved inside the tree (the last one too unless
   * `keepLast`): an absolute target restarts at the context's root, `..` stops there.
   */
  resolve(path: string, keepLast = false): string {
    const walk = scopedWalk(path, keepLast);
    let step = walk.next();
    while (!step.done) {
      const e = this.entries.get(step.value.join('/'));
      step = walk.next(e?.type === 'symlink' ? e.linkname ?? '' : undefined);
    }
    return step.value.join('/');
  }

  /** Every path, depth first with sorted names (the order a directory walk on disk gives). */
  walk(key = ''): string[] {
    const out: string[] = [];
    for (const name of this.readdir(key)) {
      const k = key ? `${key}/${name}` : name;
      out.push(k);
      if (this.entries.get(k)?.type === 'dir') out.push(...this.walk(k));
    }
    return out;
  }

  async readFile(key: string): Promise<Buffer> {
    const e = this.entries.get(key);
    if (e?.type !== 'file') throw invalidArgument(`${key} is not a file in the build context`);
    return e.data ?? (e.spool ? readFile(e.spool) : Buffer.alloc(0));
  }

  set(key: string, e: ContextEntry): void {
    if (key === '') {
      // The root keeps being a directory; only its mode and time come from the tar.
      if (e.type === 'dir') this.entries.set('', e);
      return;
    }
    const before = this.entries.get(key);
    if (before?.type === 'dir' && e.type !== 'dir') this.delete(key);
    const parent = posix.dirname(key) === '.' ? '' : posix.dirname(key);
    if (this.entries.get(parent)?.type !== 'dir') {
      // A parent the tar did not list (or listed as something else), as `tar -x` makes it.
      if (this.entries.has(parent)) this.delete(parent);
      this.set(parent, { type: 'dir', mode: 0o755, mtime: new Date() });
    }
    this.entries.set(key, e);
    this.kids.get(parent)?.add(posix.basename(key));
    if (e.type === 'dir' && !this.kids.has(key)) this.kids.set(key, new Set());
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e || key === '') return;
    if (e.type === 'dir') for (const name of this.readdir(key)) this.delete(`${key}/${name}`);
    this.entries.delete(key);
    this.kids.delete(key);
    const parent = posix.dirname(key) === '.' ? '' : posix.dirname(key);
    this.kids.get(parent)?.delete(posix.basename(key));
  }

  /** Drops what .dockerignore excludes: a skipped directory goes whole, files one by one. */
  removeIgnored(ignore: DockerIgnore, key = ''): void {
    for (const name of this.readdir(key)) {
      const k = key ? `${key}/${name}` : name;
      const e = this.entries.get(k);
      if (e?.type === 'dir') {
        if (ignore.skipsDir(k)) this.delete(k); else this.removeIgnored(ignore, k);
      } else if (ignore.ignores(k)) this.delete(k);
    }
  }

  /** Writes the tree under `dir` (an empty directory): modes and mtimes as in the tar, owned by berthd's user. */
  async materialize(dir: string): Promise<void> {
    const links: [string, string][] = [];
    const write = async (key: string, host: string): Promise<void> => {
      for (const name of this.readdir(key)) {
        const k = key ? `${key}/${name}` : name;
        const e = this.entries.get(k) as ContextEntry;
        const h = join(host, name);
        if (e.type === 'dir') {
          await mkdir(h);
          await write(k, h);
          await chmod(h, e.mode);
          await utimes(h, e.mtime, e.mtime);
        } else if (e.type === 'symlink') {
          await symlink(e.linkname ?? '', h);
          await lutimes(h, e.mtime, e.mtime);
        } else if (e.hardlinkOf !== undefined && this.entries.get(e.hardlinkOf)?.type === 'file') {
          links.push([join(dir, e.hardlinkOf), h]);
        } else {
          if (e.spool) await copyFile(e.spool, h); else await writeFile(h, e.data ?? Buffer.alloc(0));
          await chmod(h, e.mode);
          await utimes(h, e.mtime, e.mtime);
        }
      }
    };
    await write('', dir);
    for (const [target, h] of links) await link(target, h);
  }
}

/**
 * Parses a (plain) tar stream into a tree. `spoolDir` is asked for a directory once contents
 * exceed the memory limit. Devices, fifos and sockets are skipped (COPY skips them too).
 */
export async function readContextTar(src: AsyncIterable<Buffer>, spoolDir: () => Promise<string>, memoryLimit = MEMORY_LIMIT): Promise<ContextTree> {
  const tree = new ContextTree();
  const ex = tarExtract();
  let inMemory = 0;
  let spooled = 0;
  const done = (async () => {
    for await (const entry of ex) {
      const hd = entry.header;
      const key = treeKey(hd.name);
      const mode = (hd.mode ?? 0o644) & 0o7777;
      const mtime = hd.mtime ?? new Date(0);
      if (hd.type === 'file' || hd.type === 'contiguous-file') {
        const size = hd.size ?? 0;
        const hash = createHash('sha256');
        let data: Buffer | undefined;
        let spool: string | undefined;
        if (inMemory + size <= memoryLimit) {
          const chunks: Buffer[] = [];
          for await (const c of entry) { hash.update(c as Buffer); chunks.push(c as Buffer); }
          data = Buffer.concat(chunks);
          inMemory += data.length;
        } else {
          spool = join(await spoolDir(), `f${spooled++}`);
          const fh = await open(spool, 'w', 0o600);
          try {
            for await (const c of entry) { hash.update(c as Buffer); await fh.write(c as Buffer); }
          } finally {
            await fh.close();
          }
        }
        if (key !== '') tree.set(key, { type: 'file', mode, mtime, digest: hash.digest('hex'), data, spool });
        continue;
      }
      entry.resume();
      if (hd.type === 'directory') tree.set(key, { type: 'dir', mode, mtime });
      else if (hd.type === 'symlink' && key !== '') tree.set(key, { type: 'symlink', mode: 0o777, mtime, linkname: hd.linkname ?? '' });
      else if (hd.type === 'link' && key !== '') {
        const to = treeKey(hd.linkname ?? '');
        const target = tree.lstat(to);
        if (target?.type !== 'file') throw invalidArgument(`invalid build context: hard link ${hd.name} to ${hd.linkname} which is not a file before it`);
        tree.set(key, { ...target, hardlinkOf: to });
      }
    }
  })();
  let failure: unknown;
  const consuming = done.catch((e: unknown) => { failure = e; ex.destroy(new Error('aborted')); });
  try {
    for await (const chunk of src) {
      if (failure) break;
      if (!ex.write(chunk)) await drained(ex);
    }
    (ex as unknown as { end(): void }).end();
    await consuming;
  } catch (e) {
    ex.destroy(new Error('aborted'));
    await consuming;
    failure ??= e;
  }
  if (failure) {
    if (failure instanceof BerthError) throw failure;
    throw invalidArgument(`invalid build context: ${(failure as Error).message}`);
  }
  return tree;
}
