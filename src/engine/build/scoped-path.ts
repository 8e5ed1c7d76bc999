// Paths inside a root filesystem, symlinks followed as the container would see them: an absolute
// link target restarts at the root, `..` stops at the root. A hostile `/app -> /etc` in an image
// then makes COPY write the image's /etc, never the host's.
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { invalidArgument } from '../../common/errors.js';

/**
 * The walk itself, for any store of links: it yields each path prefix (as parts) that may be a
 * symlink and takes back its target (undefined: not a link); it returns the resolved parts. The
 * on-disk root (scopedPath) and the in-memory build context (ContextTree.resolve) drive it, so
 * both follow links by the same rules.
 */
export function* scopedWalk(path: string, keepLast = false): Generator<string[], string[], string | undefined> {
  let todo = posix.normalize('/' + path).split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const target = keepLast && todo.length === 0 ? undefined : yield [...done, part];
    if (target !== undefined) {
      if (++hops > 255) throw invalidArgument(`too many levels of symbolic links: ${path}`);
      if (target.startsWith('/')) done.length = 0;
      todo = [...target.split('/').filter(Boolean), ...todo];
      continue;
    }
    done.push(part);
  }
  return done;
}

/** The host path of `path` inside `root`, every symlink on the way resolved within `root` (the last one too unless `keepLast`). */
export async function scopedPath(root: string, path: string, keepLast = false): Promise<string> {
  const walk = scopedWalk(path, keepLast);
  let step = walk.next();
  while (!step.done) {
    const host = join(root, ...step.value);
    const st = await lstat(host).catch(() => undefined);
    step = walk.next(st?.isSymbolicLink() ? await readlink(host) : undefined);
  }
  return join(root, ...step.value);
}
