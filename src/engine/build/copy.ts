// COPY and ADD: finding sources (in the context or another stage's rootfs, with wildcards),
// hashing them for the cache, and writing them into a step's rootfs by Docker's rules for
// destinations, ownership (--chown, default 0:0 from the context), modes (--chmod) and ADD's
// local archive extraction.
import { createHash } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { chmod, copyFile, lchown, lstat, lutimes, mkdir, mkdtemp, open, readdir, readlink, rm, stat, symlink, utimes } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { invalidArgument } from '../../common/errors.js';
import { resolveUser } from '../runtime/user.js';
import { scopedPath } from './scoped-path.js';

const execFileP = promisify(execFile);

export interface CopySource { host: string; rel: string; st: Stats }

export const hasWildcard = (s: string) => /[*?[]/.test(s);

/** Go's filepath.Match: `*` and `?` stay within a path segment. */
export function matcher(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      const cls = pattern.slice(i + 1, end).replace(/^\^|^!/, '^').replace(/\\/g, '\\\\');
      re += `[${cls}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

async function walkRel(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const name of (await readdir(rel ? join(root, rel) : root)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    out.push(r);
    const st = await lstat(join(root, r));
    if (st.isDirectory()) out.push(...(await walkRel(root, r)));
  }
  return out;
}

/**
 * The sources of a COPY/ADD inside `root` (the context, or a stage's rootfs for --from): paths
 * cleaned, never above the root; wildcards matched against every path; a named source that is a
 * symlink is followed (within the root).
 */
export async function findSources(root: string, srcs: string[], where: string): Promise<CopySource[]> {
  const out: CopySource[] = [];
  for (const raw of srcs) {
    const clean = posix.normalize('/' + raw).slice(1) || '.';
    if (where === 'context' && posix.normalize(raw).startsWith('../')) throw invalidArgument(`forbidden path outside the build context: ${raw} ()`);
    if (hasWildcard(clean)) {
      const re = matcher(clean);
      const hits = (await walkRel(root)).filter((p) => re.test(p));
      for (const rel of hits) out.push({ host: join(root, rel), rel, st: await stat(join(root, rel)).catch(() => lstat(join(root, rel))) });
      continue;
    }
    const host = clean === '.' ? root : await scopedPath(root, clean);
    const st = await stat(host).catch(() => undefined);
    if (!st) {
      throw invalidArgument(where === 'context'
        ? `file not found in build context or excluded by .dockerignore: stat ${clean}: file does not exist`
        : `failed to compute cache key: "/${clean}" not found in ${where}`);
    }
    out.push({ host, rel: clean, st });
  }
  if (out.length === 0) throw invalidArgument('no source files were specified');
  return out;
}

/** A checksum of everything the sources hold (names, types, modes, contents, link targets; not times). */
export async function hashSources(sources: CopySource[]): Promise<string> {
  const h = createHash('sha256');
  const add = async (host: string, rel: string, st: Stats) => {
    h.update(`${rel}\0${st.mode}\0`);
    if (st.isSymbolicLink()) h.update(`L${await readlink(host)}\0`);
    else if (st.isFile()) {
      await new Promise<void>((resolve, reject) => {
        const s = createReadStream(host);
        s.on('data', (c) => h.update(c));
        s.on('end', resolve);
        s.on('error', reject);
      });
      h.update('\0');
    } else if (st.isDirectory()) {
      for (const name of (await readdir(host)).sort()) await add(join(host, name), `${rel}/${name}`, await lstat(join(host, name)));
    }
  };
  for (const s of sources) await add(s.host, s.rel, s.st);
  return h.digest('hex');
}

export interface CopyOptions {
  /** Absolute destination inside the rootfs as written (a trailing `/` means a directory). */
  dest: string;
  /** uid/gid for everything copied; undefined keeps the source's (COPY --from). */
  owner?: { uid: number; gid: number };
  /** Whether `owner` came from --chown: archives ADD unpacks keep their own owners otherwise (Docker's rule). */
  explicitOwner?: boolean;
  chmod?: number;
  /** ADD: local tar archives (plain, gzip, bzip2, xz) are unpacked into the destination. */
  extractArchives: boolean;
  /** Sources came from a wildcard or there are several: the destination must be a directory. */
  multiple: boolean;
  /** A directory outside the rootfs for unpacking archives. */
  scratch: string;
}

/** --chown's user[:group], names looked up in the rootfs's /etc/passwd and /etc/group. */
export async function resolveChown(rootfs: string, spec: string): Promise<{ uid: number; gid: number }> {
  const [user, group] = spec.split(':', 2);
  try {
    const u = await resolveUser(rootfs, user);
    const gid = group === undefined || group === '' ? u.uid : (await resolveUser(rootfs, `${user}:${group}`)).gid;
    return { uid: u.uid, gid };
  } catch (e) {
    throw invalidArgument(`unable to convert uid/gid chown string to host mapping: ${(e as Error).message}`);
  }
}

export async function copyInto(rootfs: string, sources: CopySource[], o: CopyOptions): Promise<void> {
  const destIsDir = o.dest.endsWith('/') || o.dest.endsWith('/.');
  if (o.multiple && !destIsDir) throw invalidArgument('When using COPY with more than one source file, the destination must be a directory and end with a /');
  const dest = posix.normalize(o.dest);
  for (const s of sources) {
    if (s.st.isDirectory()) {
      const dir = await mkdirAll(rootfs, dest, o.owner);
      await copyChildren(s.host, dir, o);
      continue;
    }
    if (o.extractArchives && (await isArchive(s.host))) {
      const dir = await mkdirAll(rootfs, dest, o.owner);
      await extractArchive(s.host, dir, o);
      continue;
    }
    let target = dest;
    const existing = await stat(await scopedPath(rootfs, dest)).catch(() => undefined);
    if (destIsDir || existing?.isDirectory()) target = posix.join(dest, basename(s.rel));
    const parent = await mkdirAll(rootfs, posix.dirname(target), o.owner);
    await copyEntry(s.host, join(parent, posix.basename(target)), s.st, o);
  }
}

/** mkdir -p inside the rootfs (symlinks followed within it); new directories get the owner. */
async function mkdirAll(rootfs: string, path: string, owner?: { uid: number; gid: number }): Promise<string> {
  const parts = posix.normalize('/' + path).split('/').filter(Boolean);
  let cur = '/';
  let host = rootfs;
  for (const p of parts) {
    cur = posix.join(cur, p);
    host = await scopedPath(rootfs, cur);
    const st = await stat(host).catch(() => undefined);
    if (st?.isDirectory()) continue;
    if (st) throw invalidArgument(`cannot copy to ${path}: ${cur} is not a directory`);
    await mkdir(host, { mode: 0o755 });
    await chmod(host, 0o755);
    if (owner) await lchown(host, owner.uid, owner.gid);
  }
  return host;
}

async function copyChildren(srcDir: string, destDir: string, o: CopyOptions): Promise<void> {
  for (const name of await readdir(srcDir)) {
    const src = join(srcDir, name);
    await copyEntry(src, join(destDir, name), await lstat(src), o);
  }
}

async function copyEntry(src: string, dst: string, st: Stats, o: CopyOptions): Promise<void> {
  const existing = await lstat(dst).catch(() => undefined);
  // Replace what is there, never write through a link the image had.
  if (existing && !(existing.isDirectory() && st.isDirectory())) await rm(dst, { recursive: true, force: true });
  const uid = o.owner?.uid ?? st.uid;
  const gid = o.owner?.gid ?? st.gid;
  if (st.isDirectory()) {
    if (!existing?.isDirectory()) await mkdir(dst);
    await copyChildren(src, dst, o);
    await lchown(dst, uid, gid);
    await chmod(dst, o.chmod ?? st.mode & 0o7777);
    await utimes(dst, st.atime, st.mtime);
  } else if (st.isSymbolicLink()) {
    await symlink(await readlink(src), dst);
    await lchown(dst, uid, gid);
    await lutimes(dst, st.atime, st.mtime);
  } else if (st.isFile()) {
    await copyFile(src, dst);
    await lchown(dst, uid, gid);
    await chmod(dst, o.chmod ?? st.mode & 0o7777);
    await utimes(dst, st.atime, st.mtime);
  }
  // Devices, fifos and sockets in a context are skipped, as Docker's tar of the context does.
}

async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(512);
    const { bytesRead } = await fh.read(b, 0, 512, 0);
    if (bytesRead >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true;
    if (bytesRead >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (bytesRead >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return bytesRead === 512 && b.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await fh.close();
  }
}

/** Unpacked into a scratch dir first, then copied in with symlinks resolved inside the rootfs. */
async function extractArchive(archive: string, destDir: string, o: CopyOptions): Promise<void> {
  const tmp = await mkdtemp(join(o.scratch, 'add-'));
  try {
    await execFileP('tar', ['-x', '-C', tmp, '-f', archive, '--same-owner', '-p']).catch((e: Error) => {
      throw invalidArgument(`ADD failed: cannot unpack ${basename(archive)}: ${e.message.split('\n')[1] ?? e.message}`);
    });
    await copyChildren(tmp, destDir, { ...o, chmod: undefined, owner: o.explicitOwner ? o.owner : undefined });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
