// Compressed layer blobs as registries serve them, kept beside the unpacked layers: a pull tees
// each download here while it unpacks, and the blob enters the cache only once its digest is
// verified. They let a push send a pulled layer with its original digest (no recompression), and
// an interrupted pull resume without fetching them again. Writes in progress live in partial/ and
// never count (they are dropped at start-up). Cached blobs are not fsynced: whoever reads one
// again hashes it on the way (a pull before committing, a registry on upload).
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, hexOf, listDir, randomName, WriteBehind } from '../fsutil.js';

/** A blob being written to partial/: positional writes, then committed under its digest or thrown away. */
export interface BlobWriter {
  write(chunk: Buffer): Promise<void>;
  /** Moves the (verified) bytes into the cache. */
  commit(): Promise<void>;
  /** Drops what was written; harmless after commit. */
  abort(): Promise<void>;
}

export class BlobCache {
  readonly dir: string;
  private readonly partial: string;
  private ready?: Promise<void>;

  constructor(root: string) {
    this.dir = join(root, 'blobs');
    this.partial = join(root, 'partial');
  }

  /** Creates the directories and drops what an interrupted download left in partial/ (at start-up). */
  init(): Promise<void> {
    this.ready ??= (async () => {
      await ensureDir(this.dir);
      await ensureDir(this.partial);
      for (const n of await listDir(this.partial)) await rm(join(this.partial, n), { force: true });
    })();
    return this.ready;
  }

  path(digest: string): string { return join(this.dir, hexOf(digest)); }

  async has(digest: string, size?: number): Promise<boolean> {
    await this.init();
    const st = await stat(this.path(digest)).catch(() => undefined);
    return st !== undefined && st.isFile() && (size === undefined || size < 0 || st.size === size);
  }

  /** Starts writing a blob; the caller verifies the digest before `commit`. */
  async begin(digest: string): Promise<BlobWriter> {
    await this.init();
    const tmp = join(this.partial, `${hexOf(digest).slice(0, 16)}-${randomName()}`);
    const fh: FileHandle = await open(tmp, 'w', 0o600);
    const writer = new WriteBehind(fh);
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      try { await writer.flush(); } finally { await fh.close(); }
    };
    return {
      write: (chunk) => writer.write(chunk),
      commit: async () => {
        await close();
        await rename(tmp, this.path(digest));
      },
      abort: async () => {
        await close().catch(() => undefined);
        await rm(tmp, { force: true });
      },
    };
  }

  async drop(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true });
  }

  /** Digests of the cached blobs. */
  async list(): Promise<string[]> {
    await this.init();
    return (await listDir(this.dir)).filter((n) => /^[a-f0-9]{64}$/.test(n)).map((n) => `sha256:${n}`);
  }
}
