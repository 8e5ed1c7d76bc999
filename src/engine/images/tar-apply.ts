// Applies a layer tar's entries to an empty overlayfs lower directory: ownership, modes, mtimes,
// links and device nodes as recorded (berthd runs as root), and the OCI whiteouts turned into
// overlayfs' own: `.wh.NAME` → a 0/0 character device, `.wh..wh..opq` → trusted.overlay.opaque=y.
// Paths never escape the root: `..` is clipped and symlinked parents are followed inside the root.
import { open, mkdir, lchown, chmod, lutimes, symlink, link, rm, lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { Extract, ExtractEvents, Header } from 'tar-stream';

type Entry = ExtractEvents['entry'][1];
import { invalidArgument } from '../../common/errors.js';
import { run } from './fsutil.js';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_LINK_HOPS = 255;

export interface ApplyResult {
  /** Sum of the regular files' sizes written (the layer's size as `docker images` counts it). */
  size: number;
}

/** Consumes every entry of `extract`, writing under `root`. */
export async function applyTarEntries(extract: Extract, root: string): Promise<ApplyResult> {
  const applier = new TarApplier(root);
  for await (const entry of extract) {
    try {
      await applier.apply(entry);
    } finally {
      entry.resume();
    }
  }
  await applier.finish();
  return { size: applier.size };
}

class TarApplier {
  size = 0;
  private readonly dirTimes: { path: string; mtime: Date }[] = [];
  private readonly resolved = new Map<string, string>();

  constructor(private readonly root: string) {}

  async apply(entry: Entry): Promise<void> {
    const h = entry.header;
    const rel = cleanName(h.name);
    if (rel === '') {
      // The layer's root itself ("./"): keep its metadata, it becomes the mount's "/".
      if (h.type === 'directory') await this.setMeta(this.root, h, true);
      return;
    }
    const parentRel = posix.dirname(rel);
    const base = posix.basename(rel);
    const parent = await this.resolveDir(parentRel === '.' ? '' : parentRel);

    if (base === OPAQUE) {
      await run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', parent]);
      return;
    }
    if (base.startsWith(WHITEOUT_PREFIX)) {
      if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) return; // aufs bookkeeping (.wh..wh.plnk...)
      const name = base.slice(WHITEOUT_PREFIX.length);
      // ".wh.." would name the parent (rm -rf above the layer): never a valid whiteout.
      if (name === '' || name === '.' || name === '..') throw invalidArgument(`invalid whiteout ${h.name} in layer`);
      const target = posix.join(parent, name);
      await this.clear(target);
      await run('mknod', ['-m', '0', target, 'c', '0', '0']);
      await lchown(target, h.uid ?? 0, h.gid ?? 0);
      return;
    }

    const path = posix.join(parent, base);
    switch (h.type) {
      case 'directory': {
        const st = await lstat(path).catch(() => null);
        if (st && !st.isDirectory()) await this.clear(path);
        if (!st || !st.isDirectory()) await mkdir(path);
        await this.setMeta(path, h, true);
        return;
      }
      case 'file':
      case 'contiguous-file': {
        await this.clear(path);
        const fh = await open(path, 'wx', 0o600);
        try {
          for await (const chunk of entry) await fh.write(chunk as Buffer);
        } finally {
          await fh.close();
        }
        this.size += h.size ?? 0;
        await this.setMeta(path, h, false);
        return;
      }
      case 'symlink':
        await this.clear(path);
        // No cache invalidation needed: clear() already dropped it if something was replaced,
        // and cached resolutions never pass through a path that did not exist.
        await symlink(h.linkname ?? '', path);
        await lchown(path, h.uid ?? 0, h.gid ?? 0);
        await applyXattrs(path, h);
        await lutimes(path, h.mtime ?? new Date(0), h.mtime ?? new Date(0));
        return;
      case 'link': {
        const target = posix.join(await this.resolveDir(parentOf(cleanName(h.linkname ?? ''))), posix.basename(cleanName(h.linkname ?? '')));
        await this.clear(path);
        await link(target, path);
        return;
      }
      case 'character-device':
      case 'block-device':
      case 'fifo': {
        await this.clear(path);
        const kind = h.type === 'fifo' ? ['p'] : [h.type === 'block-device' ? 'b' : 'c', String(h.devmajor ?? 0), String(h.devminor ?? 0)];
        await run('mknod', [path, ...kind]);
        await this.setMeta(path, h, false);
        return;
      }
      default:
        // pax/gnu headers are folded into the next entry by tar-stream; anything else is skipped as Docker does.
        return;
    }
  }

  /** Directory mtimes are set last: writing their children would change them again. */
  async finish(): Promise<void> {
    for (const d of this.dirTimes.reverse()) await lutimes(d.path, d.mtime, d.mtime);
  }

  private async setMeta(path: string, h: Header, isDir: boolean): Promise<void> {
    // chown before chmod: chown clears setuid/setgid bits; xattrs after chown (it drops security.capability).
    await lchown(path, h.uid ?? 0, h.gid ?? 0);
    await chmod(path, (h.mode ?? (isDir ? 0o755 : 0o644)) & 0o7777);
    await applyXattrs(path, h);
    const mtime = h.mtime ?? new Date(0);
    if (isDir) this.dirTimes.push({ path, mtime });
    else await lutimes(path, mtime, mtime);
  }

  /** Removes whatever is at `path` (a later entry replaces an earlier one). */
  private async clear(path: string): Promise<void> {
    const st = await lstat(path).catch(() => null);
    if (!st) return;
    await rm(path, { recursive: true, force: true });
    this.resolved.clear();
  }

  /**
   * The real path of directory `rel` inside the root, following symlinks as if the root were "/"
   * (so a hostile `a -> /etc` then `a/passwd` lands in the root's etc), creating missing directories.
   */
  private async resolveDir(rel: string): Promise<string> {
    const cached = this.resolved.get(rel);
    if (cached !== undefined) return cached;
    const pending = rel === '' ? [] : rel.split('/');
    const done: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') { done.pop(); continue; }
      const p = posix.join(this.root, ...done, part);
      const st = await lstat(p).catch(() => null);
      if (!st) {
        await mkdir(p, { mode: 0o755 });
        done.push(part);
      } else if (st.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) throw invalidArgument(`too many levels of symbolic links in layer at ${rel}`);
        const target = await readlink(p);
        if (target.startsWith('/')) done.length = 0;
        pending.unshift(...target.split('/'));
      } else if (st.isDirectory()) {
        done.push(part);
      } else {
        // A file where a directory is needed: the tar replaces it, as tar would.
        await rm(p, { force: true });
        await mkdir(p, { mode: 0o755 });
        done.push(part);
      }
    }
    const out = posix.join(this.root, ...done);
    this.resolved.set(rel, out);
    return out;
  }
}

const XATTR_PREFIX = 'SCHILY.xattr.';

/**
 * Extended attributes from PAX headers (file capabilities, user.* ...). tar-stream hands values
 * over decoded as UTF-8; a value that did not survive that (U+FFFD) cannot be restored and is
 * skipped. overlayfs' own trusted.overlay.* names are never taken from a layer.
 */
async function applyXattrs(path: string, h: Header): Promise<void> {
  const pax = h.pax as Record<string, string> | null | undefined;
  if (!pax) return;
  for (const [k, v] of Object.entries(pax)) {
    if (!k.startsWith(XATTR_PREFIX)) continue;
    const name = k.slice(XATTR_PREFIX.length);
    if (name.startsWith('trusted.overlay.') || v.includes('\uFFFD')) continue;
    await run('setfattr', ['-h', '-n', name, '-v', `0x${Buffer.from(v, 'utf8').toString('hex')}`, path]);
  }
}

/** Entry name → a clean relative path; `..` cannot climb above the root. */
function cleanName(name: string): string {
  return posix.normalize(`/${name}`).replace(/^\/+/, '').replace(/\/+$/, '');
}

function parentOf(rel: string): string {
  const d = posix.dirname(rel);
  return d === '.' ? '' : d;
}
