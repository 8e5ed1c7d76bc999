// A build context from a directory: the files .dockerignore leaves in, as a tar stream (owners
// 0:0, as docker's CLI sends them). The Dockerfile and .dockerignore always travel: the daemon reads
// them even when ignored. Used by `berth build` and `berth compose build`.
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { DockerIgnore } from '../../common/dockerignore.js';

async function walk(root: string, rel: string, ignore: DockerIgnore, out: { rel: string; st: Stats }[]): Promise<void> {
  const names = (await readdir(rel ? join(root, rel) : root)).sort();
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    const st = await lstat(join(root, r));
    if (st.isDirectory()) {
      if (ignore.skipsDir(r)) continue;
      if (!ignore.ignores(r)) out.push({ rel: r, st });
      await walk(root, r, ignore, out);
    } else if (!ignore.ignores(r) && (st.isFile() || st.isSymbolicLink())) out.push({ rel: r, st });
  }
}

/** The directory as a tar stream (owners 0:0, as docker's CLI sends it); `extra` adds a file (a Dockerfile from outside). */
export async function contextTar(dir: string, keep: string[], extra?: { name: string; content: Buffer }): Promise<Readable> {
  const ignore = new DockerIgnore(await readFile(join(dir, '.dockerignore'), 'utf8').catch(() => ''));
  const entries: { rel: string; st: Stats }[] = [];
  await walk(dir, '', ignore, entries);
  // The Dockerfile and .dockerignore are always sent: the daemon needs them even when ignored.
  for (const k of keep) {
    if (entries.some((e) => e.rel === k)) continue;
    const st = await lstat(join(dir, k)).catch(() => undefined);
    if (st?.isFile()) entries.push({ rel: k, st });
  }
  const pack = tar.pack();
  void (async () => {
    try {
      for (const e of entries) {
        const h = { name: e.rel, mode: e.st.mode & 0o7777, mtime: e.st.mtime, uid: 0, gid: 0 };
        if (e.st.isDirectory()) pack.entry({ ...h, type: 'directory' });
        else if (e.st.isSymbolicLink()) pack.entry({ ...h, type: 'symlink', linkname: await readlink(join(dir, e.rel)) });
        else {
          await new Promise<void>((res, rej) => {
            const w = pack.entry({ ...h, type: 'file', size: e.st.size }, (err) => (err ? rej(err) : res()));
            createReadStream(join(dir, e.rel)).on('error', rej).pipe(w);
          });
        }
      }
      if (extra) pack.entry({ name: extra.name, mode: 0o600, mtime: new Date(), uid: 0, gid: 0 }, extra.content);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}

