// Compressed layer blobs downloaded by a pull, kept only once their digest is verified: a pull
// that is interrupted resumes from them, and they go once the layer is unpacked into the store.
// Downloads in progress live in partial/ and never count (they are dropped at start-up).
import { createHash } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidArgument } from '../../../common/errors.js';
import { ensureDir, exists, fsyncDir, hexOf, listDir, randomName } from '../fsutil.js';

export class BlobCache {
  readonly dir: string;
  private readonly partial: string;
  private ready?: Promise<void>;

  constructor(root: string) {
    this.dir = join(root, 'blobs');
    this.partial = join(root, 'partial');
  }

  private init(): Promise<void> {
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
    return st !== undefined && (size === undefined || size < 0 || st.size === size);
  }

  /**
   * Writes a download to partial/, hashing as it goes; only a blob whose size and digest match
   * the descriptor is moved into the cache. Reports bytes as they arrive.
   */
  async store(digest: string, size: number, body: Readable, onBytes: (n: number) => void): Promise<void> {
    await this.init();
    const tmp = join(this.partial, `${hexOf(digest).slice(0, 16)}-${randomName()}`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      const hash = createHash('sha256');
      let n = 0;
      for await (const chunk of body) {
        const b = chunk as Buffer;
        hash.update(b);
        n += b.length;
        if (size >= 0 && n > size) throw invalidArgument(`filesystem layer verification failed for digest ${digest}: more bytes than the ${size} announced`);
        await fh.write(b);
        onBytes(n);
      }
      const got = `sha256:${hash.digest('hex')}`;
      if (got !== digest || (size >= 0 && n !== size)) throw invalidArgument(`filesystem layer verification failed for digest ${digest}`);
      await fh.sync();
      await fh.close();
      await rename(tmp, this.path(digest));
      await fsyncDir(this.dir);
    } finally {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
    }
  }

  async drop(digest: string): Promise<void> {
    if (await exists(this.path(digest))) await rm(this.path(digest), { force: true });
  }
}
