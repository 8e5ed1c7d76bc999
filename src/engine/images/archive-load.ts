// `load`: a docker-save archive (manifest.json + config + layer tars, any Docker version) or an OCI
// image-layout archive (index.json + blobs/). The archive is first spooled to a temp directory
// (its index usually comes last), then each image's layers are unpacked unless already present.
import { constants, createReadStream } from 'node:fs';
import { open, mkdir, readFile, realpath, symlink, link, lstat, rm } from 'node:fs/promises';
import { posix, join } from 'node:path';
import type { Readable } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { invalidArgument, notImplemented } from '../../common/errors.js';
import type { ImageLoadProgress } from '../types.js';
import { decompressed } from './decompress.js';
import { archiveError, digestOf, drained, exists, randomName, readJsonIfExists, shortId } from './fsutil.js';
import { checkConfig, hostPlatform, MEDIA, type Descriptor, type OciIndex, type OciManifest } from './image-config.js';
import { chainIdOf } from './layers.js';
import { parseNormalizedNamed, referenceString } from './reference.js';
import { familiarKey } from './refstore.js';
import type { Store } from './store.js';

type Progress = (p: ImageLoadProgress) => void;

interface LoadItem { config: Buffer; layers: string[]; tags: string[] }

export async function loadArchive(store: Store, tar: Readable, onProgress: Progress = () => undefined): Promise<string[]> {
  const dir = join(store.layout.tmp, `load-${randomName()}`);
  await mkdir(dir, { mode: 0o700 });
  try {
    await spool(tar, dir);
    const items = (await exists(join(dir, 'manifest.json'))) ? await dockerItems(dir) : await ociItems(dir);
    const loaded: string[] = [];
    for (const item of items) loaded.push(...(await loadOne(store, dir, item, onProgress)));
    return loaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function loadOne(store: Store, dir: string, item: LoadItem, onProgress: Progress): Promise<string[]> {
  const config = checkConfig(JSON.parse(item.config.toString('utf8')));
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== item.layers.length) throw invalidArgument(`invalid manifest, layers length mismatch: expected ${diffIds.length}, got ${item.layers.length}`);
  const pinned: string[] = [];
  try {
    let parent: string | null = null;
    for (let i = 0; i < diffIds.length; i++) {
      const chain = chainIdOf(parent, diffIds[i]);
      pinned.push(chain);
      if (!(await store.pinLayer(chain, diffIds[i]))) {
        onProgress({ status: 'Loading layer', id: shortId(diffIds[i]) });
        const path = await inside(dir, item.layers[i]);
        await store.layers.unpack(createReadStream(path), parent, diffIds[i], undefined, path);
      }
      parent = chain;
    }
    return await store.lock.run(async () => {
      const img = await store.addImage(item.config);
      const id = img.meta.id;
      store.deps.events.publish('image', 'load', id, { name: id });
      const out: string[] = [];
      for (const key of item.tags) {
        const before = await store.refs.set(key, id);
        const name = familiarKey(key);
        if (before && store.has(before)) {
          onProgress({ stream: `The image ${name} already exists, renaming the old one with ID ${before} to empty string\n` });
        }
        onProgress({ stream: `Loaded image: ${name}\n` });
        out.push(name);
      }
      if (item.tags.length === 0) {
        onProgress({ stream: `Loaded image ID: ${id}\n` });
        out.push(id);
      }
      return out;
    });
  } finally {
    for (const c of pinned) store.unpin(c);
    await store.warmSizes();
  }
}

/** docker save: manifest.json lists each image's config, tags and layer paths. */
async function dockerItems(dir: string): Promise<LoadItem[]> {
  const manifest = await readJsonIfExists<{ Config: string; RepoTags?: string[] | null; Layers: string[] }[]>(join(dir, 'manifest.json'));
  if (!Array.isArray(manifest)) throw invalidArgument('invalid archive: manifest.json is not a list');
  const items: LoadItem[] = [];
  for (const m of manifest) {
    const tags = (m.RepoTags ?? []).map((t) => {
      const r = parseNormalizedNamed(t);
      if (r.tag === undefined || r.digest !== undefined) throw invalidArgument(`invalid tag ${t} in archive`);
      return referenceString(r);
    });
    items.push({ config: await readFile(await inside(dir, m.Config)), layers: m.Layers, tags });
  }
  return items;
}

/** OCI image layout: index.json → (nested indexes →) manifests → config and layer blobs. */
async function ociItems(dir: string): Promise<LoadItem[]> {
  const index = await readJsonIfExists<OciIndex>(join(dir, 'index.json'));
  if (!index || !Array.isArray(index.manifests)) {
    throw invalidArgument('invalid archive: neither manifest.json (docker save) nor index.json (OCI image layout) found');
  }
  const items: LoadItem[] = [];
  const host = hostPlatform();
  for (const desc of index.manifests) {
    // Other platforms' images and attestation manifests are not this host's to run.
    if (desc.annotations?.['vnd.docker.reference.type']) continue;
    if (desc.platform && (desc.platform.os !== host.os || desc.platform.architecture !== host.architecture)) continue;
    const manifestDesc = await pickManifest(dir, desc);
    const manifest = JSON.parse((await readBlob(dir, manifestDesc)).toString('utf8')) as OciManifest;
    const config = await readBlob(dir, manifest.config);
    const layers = manifest.layers.map((l) => blobPath(l.digest));
    const name = refName(desc.annotations ?? {});
    const existing = items.find((i) => digestOf(i.config) === digestOf(config));
    if (existing) { if (name) existing.tags.push(name); continue; }
    items.push({ config, layers, tags: name ? [name] : [] });
  }
  if (items.length === 0 && index.manifests.length > 0) {
    throw notImplemented(`no image for ${host.os}/${host.architecture} in the archive (image platform mismatch)`);
  }
  return items;
}

/** A manifest descriptor, choosing the host's platform inside an index. */
async function pickManifest(dir: string, desc: Descriptor): Promise<Descriptor> {
  if (desc.mediaType !== MEDIA.index && desc.mediaType !== MEDIA.dockerManifestList) return desc;
  const idx = JSON.parse((await readBlob(dir, desc)).toString('utf8')) as OciIndex;
  const host = hostPlatform();
  const match = idx.manifests.find((m) => m.platform?.os === host.os && m.platform.architecture === host.architecture)
    ?? (idx.manifests.length === 1 ? idx.manifests[0] : undefined);
  if (!match) throw notImplemented(`no manifest for ${host.os}/${host.architecture} in the archive's index (image platform mismatch)`);
  return pickManifest(dir, match);
}

function refName(ann: Record<string, string>): string | undefined {
  const candidates = [ann['io.containerd.image.name'], ann['org.opencontainers.image.ref.name']];
  for (const c of candidates) {
    if (!c) continue;
    try {
      const r = parseNormalizedNamed(c);
      // A bare tag ("latest") in ref.name names no repository: leave the image untagged.
      if (r.tag !== undefined && r.digest === undefined && (c.includes('/') || c.includes(':'))) return referenceString(r);
    } catch { /* not a reference */ }
  }
  return undefined;
}

const blobPath = (digest: string) => {
  const [alg, hex] = digest.split(':');
  if (!alg || !hex || !/^[a-z0-9]+$/.test(alg) || !/^[a-f0-9]+$/.test(hex)) throw invalidArgument(`invalid digest ${digest}`);
  return `blobs/${alg}/${hex}`;
};

async function readBlob(dir: string, desc: Descriptor): Promise<Buffer> {
  const bytes = await readFile(await inside(dir, blobPath(desc.digest)));
  if (digestOf(bytes) !== desc.digest) throw invalidArgument(`blob ${desc.digest} does not match its digest`);
  return bytes;
}

/** A path named by the archive, resolved (symlinks too) and kept inside the spool directory. */
async function inside(dir: string, rel: string): Promise<string> {
  const p = join(dir, posix.normalize(`/${rel}`));
  const real = await realpath(p).catch(() => { throw invalidArgument(`invalid archive: ${rel} is missing`); });
  const root = await realpath(dir);
  if (!real.startsWith(`${root}/`)) throw invalidArgument(`invalid archive: ${rel} points outside the archive`);
  return real;
}

/** Unpacks the archive itself: files, directories and links that stay inside `dir`; nothing else. */
async function spool(tar: Readable, dir: string): Promise<void> {
  const extract = tarExtract();
  const writing = (async () => {
    for await (const entry of extract) {
      try {
        const h = entry.header;
        const rel = posix.normalize(`/${h.name}`).replace(/^\/+/, '').replace(/\/+$/, '');
        if (rel === '') continue;
        const path = join(dir, rel);
        await mkdirNoLinks(dir, posix.dirname(rel));
        if (h.type === 'directory') await mkdir(path, { recursive: true });
        else if (h.type === 'file' || h.type === 'contiguous-file' || !h.type) {
          // O_NOFOLLOW: an earlier symlink entry of the same name must not redirect the write.
          const fh = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
          try { for await (const chunk of entry) await fh.write(chunk as Buffer); } finally { await fh.close(); }
        } else if (h.type === 'symlink') {
          // Only relative links that stay inside the archive (docker save links shared layer.tar files).
          const target = posix.normalize(posix.join(posix.dirname(rel), h.linkname ?? ''));
          if (!(h.linkname ?? '').startsWith('/') && target !== '..' && !target.startsWith('../')) await symlink(h.linkname ?? '', path);
        } else if (h.type === 'link') {
          const target = posix.normalize(`/${h.linkname ?? ''}`);
          await link(join(dir, target), path);
        }
      } finally {
        entry.resume();
      }
    }
  })();
  let failed: unknown;
  const guarded = writing.catch((e: unknown) => { failed = e; extract.destroy(new Error('aborted')); });
  try {
    for await (const chunk of decompressed(tar)) {
      if (failed) break;
      if (!extract.write(chunk)) await drained(extract);
    }
    (extract as unknown as { end(): void }).end();
  } catch (e) {
    extract.destroy(new Error('aborted'));
    await guarded;
    throw archiveError(e, 'invalid archive');
  }
  await guarded;
  // Entries that clash (a file over a symlink or a directory...) are the archive's fault.
  if (failed) throw archiveError(failed, 'invalid archive', ['ELOOP', 'EISDIR', 'ENOTDIR', 'EEXIST', 'EPERM', 'ENOENT']);
}

/** Creates parent directories, refusing to write through a symlink. */
async function mkdirNoLinks(root: string, rel: string): Promise<void> {
  let cur = root;
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    cur = join(cur, part);
    const st = await lstat(cur).catch(() => null);
    if (!st) await mkdir(cur);
    else if (!st.isDirectory()) throw invalidArgument(`invalid archive: ${rel} is not a directory`);
  }
}

