// `save`: one tar that is at once a docker-save archive (manifest.json, repositories) and an OCI
// image layout (oci-layout, index.json, blobs/sha256/...), as Docker 25+ writes it. Docker 20.10's
// `docker load` reads the manifest.json half; OCI tools read the other. Streamed blob by blob.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pack as tarPack, type Pack } from 'tar-stream';
import { invalidArgument, notFound } from '../../common/errors.js';
import { drained, hexOf } from './fsutil.js';
import { MEDIA, type Descriptor, type OciIndex } from './image-config.js';
import { parseAnyReference } from './reference.js';
import { familiarKey, repoOfKey } from './refstore.js';
import type { Store, StoredImage } from './store.js';

interface SaveItem { img: StoredImage; keys: string[] }

/** Resolves every ref first (so "No such image" comes before any byte), then streams. */
export async function saveArchive(store: Store, refs: string[]): Promise<Readable> {
  if (refs.length === 0) throw invalidArgument('no images to save');
  const items = new Map<string, SaveItem>();
  const add = (id: string, key?: string) => {
    const item = items.get(id) ?? { img: store.mustGet(id), keys: [] };
    if (key && !item.keys.includes(key)) item.keys.push(key);
    items.set(id, item);
  };
  for (const ref of refs) {
    const parsed = parseAnyReference(ref);
    if (parsed && parsed.tag === undefined && parsed.digest === undefined && !/^(sha256:)?[a-f0-9]+$/.test(ref)) {
      // A bare repository name saves all of its tags, as `docker save busybox` does.
      const tagged = store.tagsOfRepo(parsed.name);
      if (tagged.length > 0) { for (const t of tagged) add(t.id, t.key); continue; }
    }
    const { id, key } = store.resolve(ref);
    add(id, key && !key.includes('@') ? key : undefined);
  }
  const pack = tarPack();
  write(store, pack, [...items.values()]).catch((e: unknown) => { if (!(pack as unknown as { destroying?: boolean }).destroying) pack.destroy(e as Error); });
  // tar-stream's pack is a streamx stream; callers get a plain Node Readable (backpressure kept by async iteration).
  return Readable.from(pack as AsyncIterable<Buffer>, { objectMode: false });
}

async function write(store: Store, pack: Pack, items: SaveItem[]): Promise<void> {
  const mtime = new Date(0);
  const p = pack as unknown as { destroying?: boolean; destroyed?: boolean };
  // Once the reader has gone away (client disconnected), stop: no more blobs are read.
  const alive = () => {
    if (p.destroying || p.destroyed) throw new Error('save aborted: the reader went away');
  };
  const dir = (name: string) => { alive(); return new Promise<void>((res, rej) => pack.entry({ name, type: 'directory', mode: 0o755, mtime }, (e) => (e ? rej(e) : res()))); };
  const file = (name: string, data: Buffer | string) => { alive(); return new Promise<void>((res, rej) => pack.entry({ name, mode: 0o644, mtime }, data, (e) => (e ? rej(e) : res()))); };
  const written = new Set<string>();
  const blob = async (digest: string) => {
    const hex = hexOf(digest);
    if (written.has(hex)) return;
    written.add(hex);
    const path = store.layout.blob(digest);
    const size = await store.blobSize(digest).catch(() => { throw notFound(`blob ${digest} is missing from the store`); });
    alive();
    let done: (e?: Error | null) => void = () => undefined;
    const finished = new Promise<void>((res, rej) => { done = (e) => (e ? rej(e) : res()); });
    finished.catch(() => undefined); // observed below; a failure before then must not count as unhandled
    const entry = pack.entry({ name: `blobs/sha256/${hex}`, size, mode: 0o644, mtime }, (e) => done(e));
    entry.on('error', () => undefined); // reported through the entry's callback
    try {
      for await (const chunk of createReadStream(path)) {
        if (!entry.write(chunk)) await drained(entry);
        alive();
      }
      (entry as unknown as { end(): void }).end();
    } catch (e) {
      entry.destroy(e as Error);
      throw e;
    }
    await finished;
  };

  await dir('blobs/');
  await dir('blobs/sha256/');
  const manifestJson: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const index: OciIndex = { schemaVersion: 2, mediaType: MEDIA.index, manifests: [] };
  const repositories: Record<string, Record<string, string>> = {};
  for (const { img, keys } of items) {
    for (const l of img.config.rootfs.diff_ids) await blob(l);
    await blob(img.meta.id);
    await blob(img.meta.manifestDigest);
    const manifestDesc: Descriptor = { mediaType: MEDIA.manifest, digest: img.meta.manifestDigest, size: await store.blobSize(img.meta.manifestDigest) };
    if (keys.length === 0) index.manifests.push(manifestDesc);
    for (const k of keys) {
      const tag = k.slice(repoOfKey(k).length + 1);
      index.manifests.push({ ...manifestDesc, annotations: { 'io.containerd.image.name': k, 'org.opencontainers.image.ref.name': tag } });
      const top = img.config.rootfs.diff_ids.at(-1);
      if (top) (repositories[familiarKey(repoOfKey(k))] ??= {})[tag] = hexOf(top);
    }
    manifestJson.push({
      Config: `blobs/sha256/${hexOf(img.meta.id)}`,
      RepoTags: keys.length > 0 ? keys.map(familiarKey) : null,
      Layers: img.config.rootfs.diff_ids.map((d) => `blobs/sha256/${hexOf(d)}`),
    });
    store.deps.events.publish('image', 'save', img.meta.id, { name: img.meta.id });
  }
  await file('index.json', JSON.stringify(index));
  await file('manifest.json', JSON.stringify(manifestJson));
  await file('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (Object.keys(repositories).length > 0) await file('repositories', JSON.stringify(repositories));
  pack.finalize();
}
