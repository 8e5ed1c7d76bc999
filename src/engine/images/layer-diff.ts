// A container's changes as a layer tar: its overlayfs upper directory, with overlayfs' own
// whiteouts turned into the layer format's (a 0/0 character device → `.wh.NAME`, a directory
// marked trusted.overlay.opaque → the directory plus `.wh..wh..opq`). Build steps become layers
// this way, on top of the image's layers, as Docker's overlay2 driver diffs them.
import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { pack as tarPack, type Header, type Pack } from 'tar-stream';

type Headers = Partial<Header> & Pick<Header, 'name'>;
import type { Stats } from 'node:fs';

export interface DiffOptions {
  /**
   * Paths the runtime made in the upper dir as mount points (/etc/hosts, /proc ...): Docker keeps
   * those in a separate init layer, so they are never part of a step's diff.
   */
  runtimeStubs?: boolean;
  /** Where a path was before the step (the parent image's layers, top first): to drop copied-up dirs that did not change. */
  lowerDirs?: string[];
}

const STUB_FILES = new Set(['etc/hosts', 'etc/hostname', 'etc/resolv.conf', '.dockerenv', 'etc/mtab']);
const STUB_TREES = ['dev', 'proc', 'sys', 'run/secrets'];

interface Entry { rel: string; st: Stats; opaque: boolean; whiteout: boolean }

/** Directories of `upper` marked opaque (one getfattr for the whole tree). */
function opaqueDirs(upper: string): Promise<Set<string>> {
  return new Promise((resolve) => {
    execFile('getfattr', ['-R', '--absolute-names', '-d', '-m', '^trusted\\.overlay\\.opaque$', '-e', 'text', upper], { maxBuffer: 64 << 20 }, (_err, stdout) => {
      const out = new Set<string>();
      let file = '';
      for (const line of (stdout ?? '').split('\n')) {
        if (line.startsWith('# file: ')) file = line.slice(8);
        else if (line.startsWith('trusted.overlay.opaque="y"')) out.add(file);
      }
      resolve(out);
    });
  });
}

const isStub = (rel: string) => STUB_FILES.has(rel) || STUB_TREES.some((t) => rel === t || rel.startsWith(t + '/'));

/** The entries of the diff, parents before children, sorted by name. */
async function collect(upper: string, opts: DiffOptions): Promise<Entry[]> {
  const opaque = await opaqueDirs(upper);
  const walk = async (rel: string): Promise<Entry[]> => {
    const dir = rel ? join(upper, rel) : upper;
    const names = (await readdir(dir)).sort();
    const out: Entry[] = [];
    for (const name of names) {
      const r = rel ? `${rel}/${name}` : name;
      if (opts.runtimeStubs && isStub(r)) continue;
      const st = await lstat(join(upper, r));
      const whiteout = st.isCharacterDevice() && st.rdev === 0;
      const isOpaque = st.isDirectory() && opaque.has(join(upper, r));
      const entry: Entry = { rel: r, st, opaque: isOpaque, whiteout };
      if (st.isDirectory()) {
        const children = await walk(r);
        // A directory copied up only because the runtime made a stub inside it did not change.
        if (children.length === 0 && !isOpaque && opts.lowerDirs && (await sameAsLower(opts.lowerDirs, r, st))) continue;
        out.push(entry, ...children);
      } else out.push(entry);
    }
    return out;
  };
  return walk('');
}

async function sameAsLower(lowers: string[], rel: string, st: Stats): Promise<boolean> {
  for (const l of lowers) {
    const lst = await lstat(join(l, rel)).catch(() => undefined);
    if (!lst) continue;
    return lst.isDirectory() && lst.mode === st.mode && lst.uid === st.uid && lst.gid === st.gid;
  }
  return false;
}

/** Whether the upper dir holds no change at all (an empty layer: Docker adds no layer then). */
export async function diffIsEmpty(upper: string, opts: DiffOptions): Promise<boolean> {
  return (await collect(upper, opts)).length === 0;
}

/** The layer tar of `upper`, streamed (file contents are read as the consumer pulls). */
export function diffTar(upper: string, opts: DiffOptions): Pack {
  const pack = tarPack();
  void (async () => {
    try {
      const entries = await collect(upper, opts);
      const links = new Map<string, string>();
      for (const e of entries) await writeEntry(pack, upper, e, links);
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack;
}

function base(e: Entry): Headers {
  return { name: e.rel, mode: e.st.mode & 0o7777, uid: e.st.uid, gid: e.st.gid, mtime: e.st.mtime };
}

async function writeEntry(pack: Pack, upper: string, e: Entry, links: Map<string, string>): Promise<void> {
  const { st } = e;
  if (e.whiteout) {
    const slash = e.rel.lastIndexOf('/');
    const name = slash < 0 ? `.wh.${e.rel}` : `${e.rel.slice(0, slash)}/.wh.${e.rel.slice(slash + 1)}`;
    await add(pack, { name, mode: 0o644, uid: 0, gid: 0, mtime: st.mtime, size: 0, type: 'file' });
    return;
  }
  if (st.isDirectory()) {
    await add(pack, { ...base(e), type: 'directory' });
    if (e.opaque) await add(pack, { name: `${e.rel}/.wh..wh..opq`, mode: 0o644, uid: 0, gid: 0, mtime: st.mtime, size: 0, type: 'file' });
    return;
  }
  if (st.isSymbolicLink()) { await add(pack, { ...base(e), type: 'symlink', linkname: await readlink(join(upper, e.rel)) }); return; }
  if (st.isFIFO()) { await add(pack, { ...base(e), type: 'fifo' }); return; }
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    await add(pack, { ...base(e), type: st.isCharacterDevice() ? 'character-device' : 'block-device', devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00) });
    return;
  }
  if (!st.isFile()) return;
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first) { await add(pack, { ...base(e), type: 'link', linkname: first }); return; }
    links.set(key, e.rel);
  }
  await new Promise<void>((resolve, reject) => {
    const entry = pack.entry({ ...base(e), type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()));
    const src = createReadStream(join(upper, e.rel));
    src.on('error', reject);
    src.pipe(entry);
  });
}

function add(pack: Pack, h: Headers): Promise<void> {
  // A body-less entry: regular (empty) files need an explicit empty body or they never finish.
  return new Promise((resolve, reject) => pack.entry(h, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
}
