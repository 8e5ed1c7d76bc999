// `cp` both ways: tar streams of paths inside a container's rootfs. Paths are resolved inside the
// rootfs (symlinks cannot lead out of it), and tars stream entry by entry with backpressure.
// ArchiveStat.mode is the POSIX st_mode; the API server turns it into Go's FileMode for the header.
import { lstat, readdir, readlink, mkdir, symlink, link, chmod, lchown, utimes, rm, open } from 'node:fs/promises';
import { createReadStream, createWriteStream, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ArchiveStat } from '../types.js';
import { notFound, invalidArgument } from '../../common/errors.js';

/** Resolves `path` inside `root` as the container would see it; the last component is not followed unless asked. */
export async function resolveInRoot(root: string, path: string, followLast = false): Promise<string> {
  const todo = posix.normalize(`/${path}`).split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (todo.length) {
    const part = todo.shift() as string;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const candidate = join(root, ...done, part);
    const st = await lstat(candidate).catch(() => undefined);
    if (st?.isSymbolicLink() && (todo.length > 0 || followLast)) {
      if (++hops > 255) throw invalidArgument(`too many levels of symbolic links: ${path}`);
      const target = await readlink(candidate);
      if (target.startsWith('/')) done.length = 0;
      todo.unshift(...target.split('/').filter(Boolean));
      continue;
    }
    done.push(part);
  }
  return join(root, ...done);
}

function toStat(name: string, st: Stats, linkTarget: string): ArchiveStat {
  return { name, size: st.size, mode: st.mode, mtime: st.mtime.toISOString(), linkTarget };
}

/** `container` is the name or id the caller used: Docker's not-found message repeats it. */
export async function statPath(rootfs: string, path: string, container: string): Promise<ArchiveStat> {
  const host = await resolveInRoot(rootfs, path);
  const st = await lstat(host).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${path} in container ${container}`);
  const linkTarget = st.isSymbolicLink() ? await readlink(host) : '';
  return toStat(posix.basename(posix.normalize(`/${path}`)) || '/', st, linkTarget);
}

async function addEntry(pack: tar.Pack, hostPath: string, name: string): Promise<void> {
  const st = await lstat(hostPath);
  const common = { name, mode: st.mode & 0o7777, mtime: st.mtime, uid: st.uid, gid: st.gid };
  if (st.isDirectory()) {
    pack.entry({ ...common, type: 'directory' });
    for (const child of (await readdir(hostPath)).sort()) await addEntry(pack, join(hostPath, child), `${name}/${child}`);
  } else if (st.isSymbolicLink()) {
    pack.entry({ ...common, type: 'symlink', linkname: await readlink(hostPath) });
  } else if (st.isFile()) {
    await new Promise<void>((resolve, reject) => {
      const entry = pack.entry({ ...common, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
      createReadStream(hostPath).on('error', reject).pipe(entry);
    });
  }
}

export async function getArchive(rootfs: string, path: string, container: string): Promise<{ stat: ArchiveStat; tar: Readable }> {
  const stat = await statPath(rootfs, path, container);
  const host = await resolveInRoot(rootfs, path);
  const pack = tar.pack();
  const top = stat.name === '/' ? '.' : stat.name;
  addEntry(pack, host, top).then(() => pack.finalize(), (e: unknown) => pack.destroy(e as Error));
  return { stat, tar: pack as unknown as Readable };
}

export async function putArchive(rootfs: string, path: string, input: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }, container: string): Promise<void> {
  const dest = await resolveInRoot(rootfs, path, true);
  const st = await lstat(dest).catch(() => undefined);
  if (!st) throw notFound(`Could not find the file ${path} in container ${container}`);
  if (!st.isDirectory()) throw invalidArgument(`extraction point is not a directory: ${path}`);
  const extract = tar.extract();
  const deferredTimes: { p: string; mtime: Date }[] = [];
  extract.on('entry', (header, stream, next) => {
    void (async () => {
      const target = await resolveInRoot(dest, header.name);
      const existing = await lstat(target).catch(() => undefined);
      if (existing && opts.noOverwriteDirNonDir && existing.isDirectory() !== (header.type === 'directory')) {
        throw invalidArgument(`cannot overwrite ${existing.isDirectory() ? 'directory' : 'non-directory'} "${header.name}" with ${existing.isDirectory() ? 'non-directory' : 'directory'}`);
      }
      await mkdir(join(target, '..'), { recursive: true });
      const mode = (header.mode ?? 0o644) & 0o7777;
      if (header.type === 'directory') {
        if (existing && !existing.isDirectory()) await rm(target, { force: true });
        await mkdir(target, { recursive: true });
        await chmod(target, mode);
      } else {
        if (existing) await rm(target, { recursive: true, force: true });
        if (header.type === 'symlink') await symlink(header.linkname ?? '', target);
        else if (header.type === 'link') await link(await resolveInRoot(dest, header.linkname ?? ''), target);
        else if (header.type === 'file' || header.type === 'contiguous-file') {
          const fh = await open(target, 'w', mode);
          await fh.close();
          await pipeline(stream, createWriteStream(target));
          await chmod(target, mode);
        }
      }
      stream.resume();
      await lchown(target, header.uid ?? 0, header.gid ?? 0).catch(() => undefined);
      if (header.mtime && header.type !== 'symlink') deferredTimes.push({ p: target, mtime: header.mtime });
    })().then(() => next(), (e: unknown) => extract.destroy(e as Error));
  });
  await pipeline(input, extract);
  for (const { p, mtime } of deferredTimes.reverse()) await utimes(p, mtime, mtime).catch(() => undefined);
}
