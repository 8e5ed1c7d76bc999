// Layers: each layer tar is unpacked once into overlay/<chainID>/diff (an overlayfs lower dir)
// and shared by every image whose chain passes through it. While unpacking, the uncompressed
// bytes are hashed (the diffID) and kept as a blob, so `save` can hand the same tar back.
import { createHash } from 'node:crypto';
import { open, rename, rm, mkdir, symlink, readlink, link, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { extract as tarExtract } from 'tar-stream';
import { internal, invalidArgument } from '../../common/errors.js';
import { decompressed } from './decompress.js';
import { applyTarEntries } from './tar-apply.js';
import { archiveError, digestOf, drained, exists, listDir, randomName, readJsonIfExists, writeFileAtomic, hexOf, WriteBehind } from './fsutil.js';
import type { Layout } from './layout.js';
import { Mutex } from './mutex.js';

export interface LayerMeta {
  chainId: string;
  diffId: string;
  parent: string | null;
  /** Bytes of regular files in the layer. */
  size: number;
  /** Bytes of the uncompressed layer tar (its blob). */
  tarSize: number;
}

export function chainIdOf(parent: string | null, diffId: string): string {
  return parent === null ? diffId : digestOf(`${parent} ${diffId}`);
}

/** Chain IDs for a list of diffIDs, bottom first. */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  let parent: string | null = null;
  for (const d of diffIds) {
    parent = chainIdOf(parent, d);
    out.push(parent);
  }
  return out;
}

export class LayerStore {
  private readonly cache = new Map<string, LayerMeta>();
  /** Parallel unpacks of the same content race to commit: one at a time decides. */
  private readonly commits = new Mutex();

  constructor(private readonly layout: Layout) {}

  async get(chainId: string): Promise<LayerMeta | undefined> {
    const hit = this.cache.get(chainId);
    if (hit) return hit;
    const meta = await readJsonIfExists<LayerMeta>(this.layout.layerMeta(chainId));
    if (meta) this.cache.set(chainId, meta);
    return meta;
  }

  async has(chainId: string): Promise<boolean> {
    return (await this.get(chainId)) !== undefined;
  }

  /**
   * Unpacks a layer stream (plain or gzip tar) on top of `parent`. With `expectedDiffId` the
   * content must hash to it. Returns the committed layer (or the one already there).
   * Only the caller's pin keeps it from garbage collection until an image refers to it.
   */
  async unpack(
    source: AsyncIterable<Buffer | string>,
    parent: string | null,
    expectedDiffId?: string,
    /** Pins the layer against GC just before it becomes visible (synchronously); undone here if the commit fails. */
    pins?: { pin(chainId: string, diffId: string): void; unpin(chainId: string): void },
    /**
     * The file `source` reads, when it is one on the store's filesystem (a load's spool): if it
     * is a plain tar it becomes the blob by a hard link instead of being written out again.
     */
    sourceFile?: string,
    opts: {
      /**
       * Runs once the stream is fully unpacked, before the diffID check and the commit: a pull
       * verifies the compressed blob's digest here, so a layer whose download fails verification
       * is never committed. Throwing throws the unpacked directory away.
       */
      beforeCommit?: () => Promise<void>;
    } = {},
  ): Promise<LayerMeta> {
    const work = join(this.layout.overlayTmp, randomName());
    const diff = join(work, 'diff');
    const blobTmp = join(this.layout.tmp, `layer-${randomName()}`);
    await mkdir(diff, { recursive: true, mode: 0o755 });
    try {
      const hash = createHash('sha256');
      let tarSize = 0;
      let linkSource = false;
      let blob: FileHandle | undefined;
      let blobWriter: WriteBehind | undefined;
      const extract = tarExtract();
      let applyError: unknown;
      const applying = applyTarEntries(extract, diff).catch((e: unknown) => { applyError = e; extract.destroy(new Error('aborted')); return { size: 0 }; });
      try {
        for await (const chunk of coalesced(decompressed(source, (f) => { linkSource = f === 'plain' && sourceFile !== undefined; }))) {
          hash.update(chunk);
          tarSize += chunk.length;
          if (!linkSource) {
            blob ??= await open(blobTmp, 'w', 0o600);
            blobWriter ??= new WriteBehind(blob);
            await blobWriter.write(chunk);
          }
          if (applyError) throw applyError;
          if (!extract.write(chunk)) await drained(extract);
          if (applyError) throw applyError;
        }
        (extract as unknown as { end(): void }).end();
        const { size } = await applying;
        if (applyError) throw applyError;
        await opts.beforeCommit?.();
        if (linkSource) await syncFile(sourceFile as string);
        else {
          blob ??= await open(blobTmp, 'w', 0o600);
          await blobWriter?.flush();
          await blob.sync();
        }
        const diffId = `sha256:${hash.digest('hex')}`;
        if (expectedDiffId !== undefined && expectedDiffId !== diffId) {
          throw invalidArgument(`invalid diffID for layer: expected ${expectedDiffId}, got ${diffId}`);
        }
        const meta: LayerMeta = { chainId: chainIdOf(parent, diffId), diffId, parent, size, tarSize };
        pins?.pin(meta.chainId, meta.diffId);
        try {
          await this.commit(meta, work, linkSource ? { path: sourceFile as string, link: true } : { path: blobTmp, link: false });
        } catch (e) {
          pins?.unpin(meta.chainId);
          throw e;
        }
        return (await this.get(meta.chainId)) ?? meta;
      } catch (e) {
        extract.destroy(new Error('aborted'));
        await applying;
        throw archiveError(e, 'invalid layer tar');
      } finally {
        await blobWriter?.flush().catch(() => undefined);
        await blob?.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
      await rm(blobTmp, { force: true });
    }
  }

  /** Moves an unpacked layer into place; if another unpack got there first, keeps that one. */
  private commit(meta: LayerMeta, work: string, blob: { path: string; link: boolean }): Promise<void> {
    return this.commits.run(() => this.commitLocked(meta, work, blob));
  }

  private async commitLocked(meta: LayerMeta, work: string, blob: { path: string; link: boolean }): Promise<void> {
    const blobPath = this.layout.blob(meta.diffId);
    if (!(await exists(blobPath))) await (blob.link ? link(blob.path, blobPath) : rename(blob.path, blobPath));
    if (await this.has(meta.chainId)) return;
    await writeFileAtomic(join(work, 'layer.json'), JSON.stringify(meta));
    await rename(work, this.layout.layerDir(meta.chainId));
    await this.ensureLink(meta.chainId);
    this.cache.set(meta.chainId, meta);
  }

  /** The short symlink overlay/l/<24 hex> → ../<chain>/diff used in lowerdir=. */
  async ensureLink(chainId: string): Promise<void> {
    const linkPath = join(this.layout.overlay, this.layout.linkName(chainId));
    const target = `../${hexOf(chainId)}/diff`;
    const current = await readlink(linkPath).catch(() => null);
    if (current === target) return;
    if (current !== null) {
      // Another live layer with the same short name would be silently swapped: refuse instead.
      if (await exists(join(this.layout.links, current))) throw internal(`layer link ${linkPath} already names another layer (${current})`);
      await rm(linkPath, { force: true });
    }
    await symlink(target, linkPath);
  }

  async list(): Promise<LayerMeta[]> {
    const out: LayerMeta[] = [];
    for (const name of await listDir(this.layout.overlay)) {
      if (!/^[a-f0-9]{64}$/.test(name)) continue;
      const meta = await this.get(`sha256:${name}`);
      if (meta) out.push(meta);
    }
    return out;
  }

  /**
   * Deletes a layer's directory and link if `unused()` still holds once no commit is under way
   * (its tar blob is swept separately: another chain may share the diffID). Returns whether it did.
   */
  remove(chainId: string, unused: () => boolean = () => true): Promise<boolean> {
    return this.commits.run(async () => {
      if (!unused()) return false;
      await this.removeLocked(chainId);
      return true;
    });
  }

  private async removeLocked(chainId: string): Promise<void> {
    this.cache.delete(chainId);
    const linkPath = join(this.layout.overlay, this.layout.linkName(chainId));
    await rm(linkPath, { force: true });
    // Rename first so a crash mid-delete never leaves a half-deleted layer that looks whole.
    const doomed = join(this.layout.overlayTmp, `rm-${randomName()}`);
    await rename(this.layout.layerDir(chainId), doomed).catch(() => undefined);
    await rm(doomed, { recursive: true, force: true });
  }
}

/**
 * Joins small chunks (zlib hands out 16-64 KiB) into runs of about 1 MiB: every chunk costs a
 * hash update, a blob write and a tar parser step, and the writes are awaited one by one.
 */
async function* coalesced(src: AsyncIterable<Buffer>, target = 1 << 20): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let n = 0;
  for await (const c of src) {
    parts.push(c);
    n += c.length;
    if (n >= target) {
      yield parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
      parts = [];
      n = 0;
    }
  }
  if (n > 0) yield parts.length === 1 ? parts[0] : Buffer.concat(parts, n);
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
}
