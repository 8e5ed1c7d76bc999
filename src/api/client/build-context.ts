// A build context from a directory: the files .dockerignore leaves in, as a tar stream (owners
// 0:0, as docker's CLI sends them). The Dockerfile and .dockerignore always travel: the daemon reads
// them even when ignored. Used by `berth build` and `berth compose build`.
//
// The walk and small files use synchronous calls: a context is mostly small files, and each
// fs/promises read is four thread-pool round trips (open, fstat, read, close), which cost more
// than the reads on a cached rebuild (`berth build`'s own time, issue 7). The tar goes out in
// chunks of at least 64 KiB rather than one per file. Big files are still streamed.
import { createReadStream, lstatSync, readFileSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DockerIgnore } from '../../common/dockerignore.js';
import { END_OF_ARCHIVE, entryHeader, padding } from './tar-writer.js';

/** Files up to this size are read whole (one call); bigger ones are streamed. */
const READ_WHOLE = 1 << 20;
/** Small entries are gathered into chunks of about this size before they are sent. */
const CHUNK = 64 << 10;

function walk(root: string, rel: string, ignore: DockerIgnore, out: { rel: string; st: Stats }[]): void {
  const names = readdirSync(rel ? join(root, rel) : root).sort();
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, r));
    if (st.isDirectory()) {
      if (ignore.skipsDir(r)) continue;
      if (!ignore.ignores(r)) out.push({ rel: r, st });
      walk(root, r, ignore, out);
    } else if (!ignore.ignores(r) && (st.isFile() || st.isSymbolicLink())) out.push({ rel: r, st });
  }
}

function readIgnoreFile(dir: string): string {
  try {
    return readFileSync(join(dir, '.dockerignore'), 'utf8');
  } catch {
    return '';
  }
}

/** The directory as a tar stream (owners 0:0, as docker's CLI sends it); `extra` adds a file (a Dockerfile from outside). */
export async function contextTar(dir: string, keep: string[], extra?: { name: string; content: Buffer }): Promise<Readable> {
  const ignore = new DockerIgnore(readIgnoreFile(dir));
  const entries: { rel: string; st: Stats }[] = [];
  walk(dir, '', ignore, entries);
  // The Dockerfile and .dockerignore are always sent: the daemon needs them even when ignored.
  for (const k of keep) {
    if (entries.some((e) => e.rel === k)) continue;
    const st = lstatSync(join(dir, k), { throwIfNoEntry: false });
    if (st?.isFile()) entries.push({ rel: k, st });
  }
  async function* blocks(): AsyncGenerator<Buffer> {
    let pending: Buffer[] = [];
    let size = 0;
    const add = (...bufs: Buffer[]) => {
      for (const b of bufs) { pending.push(b); size += b.length; }
    };
    const take = () => {
      const chunk = Buffer.concat(pending, size);
      pending = [];
      size = 0;
      return chunk;
    };
    for (const e of entries) {
      const base = { name: e.rel, mode: e.st.mode, mtime: e.st.mtime };
      if (e.st.isDirectory()) add(entryHeader({ ...base, type: 'directory' }));
      else if (e.st.isSymbolicLink()) add(entryHeader({ ...base, type: 'symlink', linkname: readlinkSync(join(dir, e.rel)) }));
      else if (e.st.size <= READ_WHOLE) {
        const data = readFileSync(join(dir, e.rel));
        // The size in the header must be what follows, even if the file changed since its lstat.
        add(entryHeader({ ...base, type: 'file', size: data.length }), data, padding(data.length));
      } else {
        if (size > 0) yield take();
        yield entryHeader({ ...base, type: 'file', size: e.st.size });
        let sent = 0;
        for await (const c of createReadStream(join(dir, e.rel), { end: e.st.size - 1 })) {
          sent += (c as Buffer).length;
          yield c as Buffer;
        }
        if (sent < e.st.size) throw new Error(`${e.rel} shrank while the build context was sent`);
        add(padding(e.st.size));
      }
      if (size >= CHUNK) yield take();
    }
    if (extra) add(entryHeader({ name: extra.name, type: 'file', mode: 0o600, mtime: new Date(), size: extra.content.length }), extra.content, padding(extra.content.length));
    add(END_OF_ARCHIVE);
    yield take();
  }
  return Readable.from(blocks(), { objectMode: false });
}
