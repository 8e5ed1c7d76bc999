// Small filesystem helpers the store leans on: atomic writes (temp + fsync + rename), digests,
// and running the few system tools Node has no binding for (mknod, setfattr, mount).
import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { open, rename, rm, mkdir, readFile, lstat, readdir, type FileHandle } from 'node:fs/promises';
import { join, dirname, basename } from 'node:path';
import { BerthError, failedPrecondition, internal, invalidArgument } from '../../common/errors.js';

export const sha256Hex = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
export const digestOf = (data: Buffer | string): string => `sha256:${sha256Hex(data)}`;
export const hexOf = (digest: string): string => (digest.startsWith('sha256:') ? digest.slice(7) : digest);
export const shortId = (digest: string): string => hexOf(digest).slice(0, 12);
export const randomName = (): string => randomBytes(8).toString('hex');

/** Writes a file so that readers see either the old or the new content, even across a crash. */
export async function writeFileAtomic(path: string, data: Buffer | string, tmpDir = dirname(path)): Promise<void> {
  const tmp = join(tmpDir, `.tmp-${basename(path)}-${randomName()}`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncDir(dirname(path));
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export async function readJsonIfExists<T>(path: string): Promise<T | undefined> {
  try {
    return await readJson<T>(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export async function exists(path: string): Promise<boolean> {
  try { await lstat(path); return true; } catch { return false; }
}

export async function ensureDir(path: string, mode = 0o700): Promise<void> {
  await mkdir(path, { recursive: true, mode });
}

export async function listDir(path: string): Promise<string[]> {
  try { return await readdir(path); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** The Debian package of each system tool the store runs. */
const PACKAGE_OF: Record<string, string> = { setfattr: 'attr', mknod: 'coreutils', mount: 'mount', umount: 'mount' };

/** Runs a system tool; a failure becomes an internal error carrying its stderr. */
export function run(cmd: string, args: string[], opts: { cwd?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(failedPrecondition(`${cmd} is not installed (apt-get install ${PACKAGE_OF[cmd] ?? cmd})`));
          return;
        }
        reject(internal(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`, {}, err));
      } else resolve(stdout);
    });
  });
}

/** Sum of the sizes of regular files under a directory (hard links counted once), like `du --apparent-size`. */
export async function treeSize(root: string): Promise<number> {
  let total = 0;
  const seen = new Set<string>();
  const walk = async (dir: string): Promise<void> => {
    for (const name of await listDir(dir)) {
      const p = join(dir, name);
      const st = await lstat(p);
      if (st.isDirectory()) await walk(p);
      else if (st.isFile()) {
        if (st.nlink > 1) {
          const key = `${st.dev}:${st.ino}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        total += st.size;
      }
    }
  };
  await walk(root);
  return total;
}

/**
 * Errors from parsing a tar or gzip stream are the input's fault (invalid_argument); system
 * errors (an errno other than zlib's) stay as they are.
 */
export function archiveError(e: unknown, what: string, inputCodes: string[] = []): unknown {
  if (e instanceof BerthError) return e;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && !code.startsWith('Z_') && code !== 'ERR_STREAM_PREMATURE_CLOSE' && !inputCodes.includes(code)) return e;
  return invalidArgument(`${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/** Resolves when a (Node or streamx) writable wants more, or is gone (the caller then checks why). */
export function drained(w: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    if ((w as { destroyed?: boolean }).destroyed) { resolve(); return; }
    const done = () => {
      w.off('drain', done); w.off('close', done); w.off('error', done);
      resolve();
    };
    w.on('drain', done); w.on('close', done); w.on('error', done);
  });
}

/**
 * Writes a stream's chunks to a file at their offsets with a few writes in flight, so the
 * producer (a download, a decompressor) does not wait for each write's round trip through the
 * thread pool. `write` resolves once there is room; `flush` waits for all and reports the first error.
 */
export class WriteBehind {
  private pos = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private error: unknown;

  constructor(private readonly fh: FileHandle, private readonly maxInFlight = 4) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.error !== undefined) throw this.error;
    const at = this.pos;
    this.pos += chunk.length;
    const p: Promise<void> = this.fh.write(chunk, 0, chunk.length, at).then(
      () => { this.inFlight.delete(p); },
      (e: unknown) => { this.inFlight.delete(p); this.error ??= e; },
    );
    this.inFlight.add(p);
    while (this.inFlight.size >= this.maxInFlight) await Promise.race(this.inFlight);
    if (this.error !== undefined) throw this.error;
  }

  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.error !== undefined) throw this.error;
  }
}
