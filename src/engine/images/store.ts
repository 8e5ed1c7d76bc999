// The image store's state and its simple verbs: images by id, their configs and manifests in the
// blob store, the tag index, layers, reconciliation at open, and garbage collection.
// Bigger verbs live beside it: import.ts, remove.ts, archive-load.ts, archive-save.ts.
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument, notFound } from '../../common/errors.js';
import type { EventBus } from '../events/bus.js';
import type { ImageHistoryEntry, ImageRecord } from '../types.js';
import { digestOf, ensureDir, exists, hexOf, listDir, readJsonIfExists, writeFileAtomic } from './fsutil.js';
import { checkConfig, historyOf, MEDIA, type OciImage, type OciManifest } from './image-config.js';
import { Layout } from './layout.js';
import { chainIds, LayerStore, type LayerMeta } from './layers.js';
import { Mutex } from './mutex.js';
import {
  DEFAULT_TAG, familiarString, isValidTag, parseAnyReference, parseNormalizedNamed, referenceString, tagNameOnly,
} from './reference.js';
import { familiarKey, isDigestKey, RefStore, repoOfKey } from './refstore.js';
import { RootfsManager } from './rootfs.js';

export interface StoreDeps {
  dataRoot: string;
  events: EventBus;
  containersUsing: (imageId: string) => Promise<string[]>;
  containerRunning?: (containerId: string) => Promise<boolean>;
}

/** imagedb/<hex>.json: what the config blob does not say. */
interface ImageMeta { id: string; manifestDigest: string; parent?: string; loadedAt: string }

export interface StoredImage { meta: ImageMeta; config: OciImage; chain: string[]; configSize: number }

export class Store {
  readonly layout: Layout;
  readonly layers: LayerStore;
  readonly refs: RefStore;
  readonly rootfs: RootfsManager;
  /** Serialises metadata changes and garbage collection. */
  readonly lock = new Mutex();
  private readonly images = new Map<string, StoredImage>();
  /** In-flight imports/loads: chain ID → {count, diffID}; GC keeps these layers and their tar blobs. */
  private readonly pins = new Map<string, { count: number; diffId: string }>();
  /** Sweeps of caches kept beside the store (the registry blob cache), run after each GC but the one at open. */
  private readonly sweepers: ((keptDiffIds: Set<string>) => Promise<void>)[] = [];

  constructor(readonly deps: StoreDeps) {
    this.layout = new Layout(deps.dataRoot);
    this.layers = new LayerStore(this.layout);
    this.refs = new RefStore(this.layout.repositories, this.layout.tmp);
    this.rootfs = new RootfsManager(this.layout, this.layers, async (id) => this.mustGet(id).chain, (fn) => this.lock.run(fn));
  }

  // ---------- open & reconcile ----------

  async open(): Promise<void> {
    const l = this.layout;
    for (const d of [l.images, l.blobs, l.imagedb, l.tmp, l.overlay, l.overlayTmp, l.links, l.empty, l.containers]) await ensureDir(d);
    // Half-written files and half-unpacked layers from a crash are worthless: drop them.
    for (const dir of [l.tmp, l.overlayTmp]) for (const n of await listDir(dir)) await rm(join(dir, n), { recursive: true, force: true });
    for (const dir of [l.images, l.imagedb, l.blobs]) for (const n of await listDir(dir)) if (n.startsWith('.tmp-')) await rm(join(dir, n), { force: true });
    for (const n of await listDir(l.overlay)) {
      if (/^[a-f0-9]{64}$/.test(n) && !(await exists(join(l.overlay, n, 'layer.json')))) await rm(join(l.overlay, n), { recursive: true, force: true });
    }
    for (const n of await listDir(l.imagedb)) {
      if (!n.endsWith('.json')) continue;
      const meta = await readJsonIfExists<ImageMeta>(join(l.imagedb, n));
      const img = meta ? await this.readImage(meta).catch(() => undefined) : undefined;
      if (!img) { await rm(join(l.imagedb, n), { force: true }); continue; }
      this.images.set(meta!.id, img);
    }
    await this.refs.load();
    await this.refs.retain((id) => this.images.has(id));
    // Without the sweepers: an interrupted pull's verified blobs survive a restart, to resume from.
    await this.gc({ sweep: false });
    const linkNames = new Set<string>();
    for (const layer of await this.layers.list()) {
      await this.layers.ensureLink(layer.chainId);
      linkNames.add(this.layout.linkName(layer.chainId).slice(2));
    }
    for (const n of await listDir(l.links)) if (!linkNames.has(n)) await rm(join(l.links, n), { force: true });
  }

  private async readImage(meta: ImageMeta): Promise<StoredImage | undefined> {
    const bytes = await readFile(this.layout.blob(meta.id));
    if (digestOf(bytes) !== meta.id) return undefined;
    const config = checkConfig(JSON.parse(bytes.toString('utf8')));
    const chain = chainIds(config.rootfs.diff_ids);
    for (const c of chain) if (!(await this.layers.has(c))) return undefined;
    return { meta, config, chain, configSize: bytes.length };
  }

  // ---------- lookups ----------

  has(id: string): boolean { return this.images.has(id); }
  all(): StoredImage[] { return [...this.images.values()]; }

  mustGet(id: string): StoredImage {
    const img = this.images.get(id);
    if (!img) throw notFound(`No such image: ${id}`);
    return img;
  }

  /** Docker's GetImage: full id, name[:tag|@digest], then id prefix. */
  resolve(ref: string): { id: string; key?: string } {
    if (/^sha256:[a-f0-9]{64}$/.test(ref)) {
      if (this.images.has(ref)) return { id: ref };
      throw notFound(`No such image: ${ref}`);
    }
    const parsed = parseAnyReference(ref);
    if (parsed === null) {
      const id = `sha256:${ref}`;
      if (this.images.has(id)) return { id };
      throw notFound(`No such image: ${id}`);
    }
    const key = referenceString(tagNameOnly(parsed));
    const byRef = this.refs.lookup(key);
    if (byRef && this.images.has(byRef)) return { id: byRef, key };
    const prefix = ref.startsWith('sha256:') ? ref.slice(7) : ref;
    if (/^[a-f0-9]+$/.test(prefix)) {
      const hits = [...this.images.keys()].filter((id) => id.startsWith(`sha256:${prefix}`));
      if (hits.length === 1) return { id: hits[0] };
    }
    throw notFound(`No such image: ${familiarString(tagNameOnly(parsed))}`);
  }

  record(img: StoredImage): ImageRecord {
    const refs = this.refs.refsOf(img.meta.id);
    const c = img.config;
    let size = 0;
    for (const ch of img.chain) size += this.layerSizeSync(ch);
    return {
      id: img.meta.id,
      repoTags: refs.filter((r) => !isDigestKey(r)).map(familiarKey),
      repoDigests: refs.filter(isDigestKey).map(familiarKey),
      created: c.created ?? new Date(0).toISOString(),
      author: c.author || undefined,
      comment: c.comment || undefined,
      architecture: c.architecture,
      os: c.os,
      variant: c.variant,
      config: c.config ?? {},
      diffIds: [...c.rootfs.diff_ids],
      history: historyOf(c),
      size,
      parent: img.meta.parent,
    };
  }

  private readonly layerSizes = new Map<string, number>();
  private layerSizeSync(chain: string): number { return this.layerSizes.get(chain) ?? 0; }

  async layerMeta(chain: string): Promise<LayerMeta> {
    const m = await this.layers.get(chain);
    if (!m) throw notFound(`layer ${chain} is missing`);
    this.layerSizes.set(chain, m.size);
    return m;
  }

  children(id: string): string[] {
    return this.all().filter((i) => i.meta.parent === id).map((i) => i.meta.id);
  }

  // ---------- writes ----------

  /** Pins a layer against garbage collection and says whether it is already unpacked. */
  async pinLayer(chain: string, diffId: string): Promise<boolean> {
    return this.lock.run(async () => {
      this.pinSync(chain, diffId);
      return this.layers.has(chain);
    });
  }

  /** Pins without the lock: for LayerStore.unpack, which pins synchronously just before committing. */
  pinSync(chain: string, diffId: string): void {
    const p = this.pins.get(chain);
    if (p) p.count++; else this.pins.set(chain, { count: 1, diffId });
  }

  /** The pin hooks LayerStore.unpack takes. */
  readonly pinHooks = { pin: (chain: string, diffId: string) => this.pinSync(chain, diffId), unpin: (chain: string) => this.unpin(chain) };

  unpin(chain: string): void {
    const p = this.pins.get(chain);
    if (p && --p.count <= 0) this.pins.delete(chain);
  }

  /** Stores a config (whose layers are unpacked) as an image; idempotent. Call under the lock. */
  async addImage(configBytes: Buffer, parent?: string): Promise<StoredImage> {
    const id = digestOf(configBytes);
    const existing = this.images.get(id);
    if (existing) return existing;
    const config = checkConfig(JSON.parse(configBytes.toString('utf8')));
    const chain = chainIds(config.rootfs.diff_ids);
    const layerDescs = [];
    for (const c of chain) {
      const m = await this.layerMeta(c);
      layerDescs.push({ mediaType: MEDIA.layer, digest: m.diffId, size: m.tarSize });
    }
    const configPath = this.layout.blob(id);
    if (!(await exists(configPath))) await writeFileAtomic(configPath, configBytes, this.layout.tmp);
    const manifest: OciManifest = {
      schemaVersion: 2, mediaType: MEDIA.manifest,
      config: { mediaType: MEDIA.config, digest: id, size: configBytes.length },
      layers: layerDescs,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = digestOf(manifestBytes);
    if (!(await exists(this.layout.blob(manifestDigest)))) await writeFileAtomic(this.layout.blob(manifestDigest), manifestBytes, this.layout.tmp);
    const meta: ImageMeta = { id, manifestDigest, loadedAt: new Date().toISOString(), ...(parent ? { parent } : {}) };
    await writeFileAtomic(this.layout.imageMeta(id), JSON.stringify(meta), this.layout.tmp);
    const img: StoredImage = { meta, config, chain, configSize: configBytes.length };
    this.images.set(id, img);
    return img;
  }

  /** Points a full tag key at an image; returns the id it pointed at before (if another). Call under the lock. */
  async setTag(key: string, id: string): Promise<string | undefined> {
    const before = await this.refs.set(key, id);
    this.deps.events.publish('image', 'tag', id, { name: familiarKey(key) });
    return before;
  }

  /** Removes an image's record (not its references); returns the layers garbage collection freed. Call under the lock. */
  async dropImage(id: string): Promise<LayerMeta[]> {
    this.images.delete(id);
    await rm(this.layout.imageMeta(id), { force: true });
    return this.gc();
  }

  /**
   * Deletes layers no image, container or in-flight operation uses, then blobs nothing refers to.
   * Call under the lock (or at open).
   */
  async gc(opts: { sweep?: boolean } = {}): Promise<LayerMeta[]> {
    const live = new Set<string>(this.pins.keys());
    for (const img of this.images.values()) for (const c of img.chain) live.add(c);
    for (const r of await this.rootfs.records()) for (const c of r.chain) live.add(c);
    const removed: LayerMeta[] = [];
    const remaining = new Set<string>();
    for (const layer of await this.layers.list()) {
      const unused = () => !live.has(layer.chainId) && !this.pins.has(layer.chainId);
      if (unused() && (await this.layers.remove(layer.chainId, unused))) removed.push(layer);
      else remaining.add(hexOf(layer.diffId));
    }
    const keep = new Set<string>(remaining);
    // A pinned layer's blob lands in blobs/ just before its directory is committed.
    for (const p of this.pins.values()) keep.add(hexOf(p.diffId));
    for (const img of this.images.values()) { keep.add(hexOf(img.meta.id)); keep.add(hexOf(img.meta.manifestDigest)); }
    for (const n of await listDir(this.layout.blobs)) {
      if (!keep.has(n) && !n.startsWith('.tmp-')) await rm(join(this.layout.blobs, n), { force: true });
    }
    if (opts.sweep !== false) {
      const keptDiffIds = new Set([...remaining].concat([...this.pins.values()].map((p) => hexOf(p.diffId))).map((h) => `sha256:${h}`));
      for (const sweep of this.sweepers) await sweep(keptDiffIds);
    }
    return removed;
  }

  /** Registers a sweep run after garbage collection with the diffIDs of the layers still kept. */
  onGc(sweep: (keptDiffIds: Set<string>) => Promise<void>): void {
    this.sweepers.push(sweep);
  }

  async blobSize(digest: string): Promise<number> {
    return (await stat(this.layout.blob(digest))).size;
  }

  /** Validates repo/tag for tagging and returns the full key. */
  static tagKey(repo: string, tag?: string): string {
    const r = parseNormalizedNamed(repo);
    if (r.digest !== undefined) throw invalidArgument('refusing to create a tag with a digest reference');
    const t = tag || r.tag || DEFAULT_TAG;
    if (!isValidTag(t)) throw invalidArgument(`invalid tag format`);
    if (r.name === 'docker.io/library/sha256') {
      throw invalidArgument('refusing to create an ambiguous tag using digest algorithm as name');
    }
    return `${r.name}:${t}`;
  }

  /** Tags of images in a repository (for `save repo`). */
  tagsOfRepo(name: string): { key: string; id: string }[] {
    const out: { key: string; id: string }[] = [];
    for (const img of this.images.values()) {
      for (const k of this.refs.refsOf(img.meta.id)) if (!isDigestKey(k) && repoOfKey(k) === name) out.push({ key: k, id: img.meta.id });
    }
    return out;
  }

  historyOf(id: string): (ImageHistoryEntry & { id: string; size: number; tags: string[] })[] {
    const img = this.mustGet(id);
    const hist = img.config.history ?? [];
    const out: (ImageHistoryEntry & { id: string; size: number; tags: string[] })[] = [];
    // Each non-empty history entry owns the next layer, bottom up.
    let layer = 0;
    if (hist.length === 0) {
      img.chain.forEach((c) => out.push({ id: '<missing>', created: img.config.created, size: this.layerSizeSync(c), tags: [] }));
    } else {
      for (const h of hist) {
        let size = 0;
        if (!h.empty_layer && layer < img.chain.length) size = this.layerSizeSync(img.chain[layer++]);
        out.push({ id: '<missing>', created: h.created, createdBy: h.created_by, comment: h.comment, emptyLayer: h.empty_layer, author: h.author, size, tags: [] });
      }
    }
    out.reverse();
    // Ids for the entries an image (or its parents) ended at.
    let cur: StoredImage | undefined = img;
    let idx = 0;
    while (cur && idx < out.length) {
      out[idx].id = cur.meta.id;
      out[idx].tags = this.record(cur).repoTags;
      const parent: StoredImage | undefined = cur.meta.parent ? this.images.get(cur.meta.parent) : undefined;
      if (!parent) break;
      idx = out.length - (parent.config.history?.length ?? parent.chain.length);
      cur = parent;
    }
    return out;
  }

  /** Loads every layer's size once (sizes feed records synchronously). */
  async warmSizes(): Promise<void> {
    for (const img of this.images.values()) for (const c of img.chain) if (!this.layerSizes.has(c)) await this.layerMeta(c);
  }
}
