// berthd's local image store: content-addressed blobs, OCI configs and manifests, a tag index,
// layers unpacked once into overlayfs lower dirs, and containers' overlay root filesystems.
// docs/images.md describes the on-disk layout and the decisions behind it.
import type { Readable } from 'node:stream';
import type { ImageService, RegistryService, RootfsService } from '../contract.js';
import { openRegistryService } from './distribution/service.js';
import type { EventBus } from '../events/bus.js';
import type { ImageHistoryEntry, ImageLoadProgress, ImageRecord, ImageRemoval } from '../types.js';
import { loadArchive } from './archive-load.js';
import { saveArchive } from './archive-save.js';
import { importImage } from './import.js';
import { commitBuild, type BuildCommit } from './commit-build.js';
import { isBerthError } from '../../common/errors.js';
import { KeyedMutex } from './mutex.js';
import { pruneImages, removeImage } from './remove.js';
import { Store } from './store.js';

export interface ImageStoreOptions {
  /** berthd's data root; everything lives under `${dataRoot}/images` and `${dataRoot}/overlay`. */
  dataRoot: string;
  /** publish('image', 'import'|'load'|'save'|'tag'|'untag'|'delete', id, {name}) */
  events: EventBus;
  /** Ids of containers using an image, for rmi's conflict check. */
  containersUsing: (imageId: string) => Promise<string[]>;
  /**
   * Optional: whether a container is running. With it, rmi tells running (a hard conflict, even
   * with force) from stopped containers as Docker does; without it every user counts as stopped.
   */
  containerRunning?: (containerId: string) => Promise<boolean>;
  /** --insecure-registry entries (plain http allowed); loopback registries always are. */
  insecureRegistries?: string[];
}

/** What the builder needs beyond ImageService: a build step committed as an image. */
export interface BuildImageStore { commitBuild(c: BuildCommit): Promise<ImageRecord> }

export type ImageStore = ImageService & RootfsService & BuildImageStore;

export async function openImageStore(opts: ImageStoreOptions): Promise<ImageStore> {
  const store = new Store(opts);
  await store.open();
  await store.warmSizes();
  return new LocalImageStore(store, await openRegistryService(store, { insecureRegistries: opts.insecureRegistries ?? [] }));
}

class LocalImageStore implements ImageStore {
  private readonly mounts = new KeyedMutex();

  constructor(private readonly store: Store, readonly registry: RegistryService) {}

  // ---------- ImageService ----------

  async list(opts: { all?: boolean } = {}): Promise<ImageRecord[]> {
    const s = this.store;
    return s.all()
      // Without -a, untagged images that are parents of others (intermediate build steps) stay hidden.
      .filter((img) => opts.all || s.refs.refsOf(img.meta.id).length > 0 || s.children(img.meta.id).length === 0)
      .map((img) => s.record(img))
      .sort((a, b) => b.created.localeCompare(a.created));
  }

  async get(ref: string): Promise<ImageRecord> {
    const { id } = this.store.resolve(ref);
    return this.store.record(this.store.mustGet(id));
  }

  import(tar: Readable, opts: { ref?: string; changes?: string[]; message?: string; platform?: string }): Promise<ImageRecord> {
    return importImage(this.store, tar, opts);
  }

  load(tar: Readable, onProgress?: (p: ImageLoadProgress) => void): Promise<string[]> {
    return loadArchive(this.store, tar, onProgress);
  }

  save(refs: string[]): Promise<Readable> {
    return saveArchive(this.store, refs);
  }

  async tag(source: string, repo: string, tag: string): Promise<void> {
    const key = Store.tagKey(repo, tag);
    await this.store.lock.run(async () => {
      const { id } = this.store.resolve(source);
      await this.store.setTag(key, id);
    });
  }

  /**
   * ImageService.remove(ref, opts) and RootfsService.remove(containerId) share a name in
   * ImageStore: with options it is `rmi`, without it removes a container's writable layer.
   */
  remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageRemoval>;
  remove(containerId: string): Promise<void>;
  async remove(x: string, opts?: { force: boolean; noPrune: boolean }): Promise<ImageRemoval | void> {
    if (!opts) return this.removeRootfs(x);
    const r = await removeImage(this.store, x, opts);
    return { untagged: r.untagged, deleted: r.deleted };
  }

  async history(ref: string): Promise<(ImageHistoryEntry & { id: string; size: number; tags: string[] })[]> {
    return this.store.historyOf(this.store.resolve(ref).id);
  }

  prune(opts: { danglingOnly: boolean; until?: number; labels?: string[] }): Promise<{ deleted: ImageRemoval; spaceReclaimed: number }> {
    return pruneImages(this.store, opts);
  }

  /** A build step as a child image of `c.parent` (docs/build.md). */
  commitBuild(c: BuildCommit): Promise<ImageRecord> {
    return commitBuild(this.store, c);
  }

  // ---------- RootfsService ----------

  mount(containerId: string, imageId: string): Promise<string> {
    return this.mounts.run(containerId, async () => {
      const id = await this.imageForMount(containerId, imageId);
      // The store lock is taken inside only while the container's chain is recorded (GC honours it).
      return this.store.rootfs.mount(containerId, id);
    });
  }

  /**
   * The image a container's rootfs rests on. A container keeps its layers after a forced `rmi`
   * of its image (as Docker's do), so it can still start: its recorded chain is used then.
   */
  private async imageForMount(containerId: string, imageRef: string): Promise<string> {
    try {
      return this.store.resolve(imageRef).id;
    } catch (e) {
      const rec = await this.store.rootfs.record(containerId).catch(() => undefined);
      if (isBerthError(e, 'not_found') && rec && (rec.imageId === imageRef || rec.imageId === `sha256:${imageRef}`)) return rec.imageId;
      throw e;
    }
  }

  unmount(containerId: string): Promise<void> {
    return this.mounts.run(containerId, () => this.store.rootfs.unmount(containerId));
  }

  async size(containerId: string): Promise<number> {
    return this.store.rootfs.size(containerId);
  }

  private removeRootfs(containerId: string): Promise<void> {
    return this.mounts.run(containerId, async () => {
      const rec = await this.store.rootfs.record(containerId).catch(() => undefined);
      await this.store.rootfs.remove(containerId);
      // Layers a force-removed image left behind for this container can go now (only then: GC walks everything).
      if (rec && rec.chain.some((c) => !this.store.all().some((img) => img.chain.includes(c)))) {
        await this.store.lock.run(() => this.store.gc());
      }
    });
  }
}
