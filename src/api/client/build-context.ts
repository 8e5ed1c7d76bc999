// A build context from a directory: the files .dockerignore leaves in, as a tar stream (owners
// 0:0, as docker's CLI sends them). The Dockerfile and .dockerignore always travel: the daemon reads
// them even when ignored. Used by `berth build` and `berth compose build`.
import { createReadStream, type Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DockerIgnore } from '../../common/dockerignore.js';
import { END_OF_ARCHIVE, entryHeader, padding } from './tar-writer.js';

/** Files up to this size are read whole (one call); bigger ones are streamed. */
const READ_WHOLE = 1 << 20;

async function walk(root: string, rel: string, ignore: DockerIgnore, out: { rel: string; st: Stats }[]): Promise<void> {
  const names = (await readdir(rel ? join(root, rel) : root)).sort();
  const stats = await Promise.all(names.map((name) => lstat(join(root, rel, name))));
  for (let i = 0; i < names.length; i++) {
    const r = rel ? `${rel}/${names[i]}` : names[i];
    const st = stats[i];
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
  async function* blocks(): AsyncGenerator<Buffer> {
    for (const e of entries) {
      const base = { name: e.rel, mode: e.st.mode, mtime: e.st.mtime };
      if (e.st.isDirectory()) yield entryHeader({ ...base, type: 'directory' });
      else if (e.st.isSymbolicLink()) yield entryHeader({ ...base, type: 'symlink', linkname: await readlink(join(dir, e.rel)) });
      else if (e.st.size <= READ_WHOLE) {
        const data = await readFile(join(dir, e.rel));
        // The size in the header must be what follows, even if the file changed since its lstat.
        yield Buffer.concat([entryHeader({ ...base, type: 'file', size: data.length }), data, padding(data.length)]);
      } else {
        yield entryHeader({ ...base, type: 'file', size: e.st.size });
        let sent = 0;
        for await (const c of createReadStream(join(dir, e.rel), { end: e.st.size - 1 })) {
          sent += (c as Buffer).length;
          yield c as Buffer;
        }
        if (sent < e.st.size) throw new Error(`${e.rel} shrank while the build context was sent`);
        yield padding(e.st.size);
      }
    }
    if (extra) yield Buffer.concat([entryHeader({ name: extra.name, type: 'file', mode: 0o600, mtime: new Date(), size: extra.content.length }), extra.content, padding(extra.content.length)]);
    yield END_OF_ARCHIVE;
  }
  return Readable.from(blocks(), { objectMode: false });
}
