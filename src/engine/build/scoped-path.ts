// Paths inside a root filesystem, symlinks followed as the container would see them: an absolute
// link target restarts at the root, `..` stops at the root. A hostile `/app -> /etc` in an image
// then makes COPY write the image's /etc, never the host's.
import { lstat, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { invalidArgument } from '../../common/errors.js';

/** The host path of `path` inside `root`, every symlink on the way resolved within `root` (the last one too unless `keepLast`). */
export async function scopedPath(root: string, path: string, keepLast = false): Promise<string> {
  let todo = posix.normalize('/' + path).split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === '.') continue;
    if (part === '..') { done.pop(); continue; }
    const host = join(root, ...done, part);
    const st = await lstat(host).catch(() => undefined);
    if (st?.isSymbolicLink() && !(keepLast && todo.length === 0)) {
      if (++hops > 255) throw invalidArgument(`too many levels of symbolic links: ${path}`);
      const target = await readlink(host);
      const parts = target.split('/').filter(Boolean);
      if (target.startsWith('/')) done.length = 0;
      todo = [...parts, ...todo];
      continue;
    }
    done.push(part);
  }
  return join(root, ...done);
}
