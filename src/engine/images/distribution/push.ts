// `push`: each layer's blob, unless the registry has it already (HEAD on a digest berth saw it
// under) or can mount it from another repository of the same registry; then the config and a
// Docker schema2 manifest. A pulled layer goes up as the compressed blob it was pulled as (kept in
// the blob cache), so it keeps its digest; a layer berth made (build, import, commit) is gzipped
// while it streams up (the digest is known at the end), and the result is remembered.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PassThrough, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { BerthError, invalidArgument, notFound } from '../../../common/errors.js';
import { discard } from '../../registry/http.js';
import type { PushResult, RegistryAuth } from '../../registry/types.js';
import { digestOf, shortId } from '../fsutil.js';
import { familiarName, parseNormalizedNamed } from '../reference.js';
import { isDigestKey, repoOfKey } from '../refstore.js';
import type { StoredImage } from '../store.js';
import { MEDIA } from '../image-config.js';
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, OCI_LAYER_GZIP, OCI_LAYER_ZSTD } from './manifest.js';
import { limited, remoteOf, throttled, type DistributionEnv, type Progress, type Remote } from './remote.js';
import type { BlobSighting } from './v2-metadata.js';

const MAX_CONCURRENT_UPLOADS = 5;
const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';

export interface PushOptions { tag?: string; auth?: RegistryAuth; signal?: AbortSignal }

export interface PushedLayer { digest: string; size: number; mediaType: string }

export async function pushImage(env: DistributionEnv, name: string, opts: PushOptions, progress: Progress): Promise<PushResult[]> {
  const parsed = parseNormalizedNamed(name);
  if (parsed.digest !== undefined) throw invalidArgument('cannot push a digest reference');
  const tag = opts.tag || parsed.tag;
  const targets = tag !== undefined ? [{ key: `${parsed.name}:${tag}`, tag }] : tagsOf(env, parsed.name);
  if (targets.length === 0) throw notFound(`An image does not exist locally with the tag: ${familiarName(parsed.name)}`);
  const remote = remoteOf(env, { name: parsed.name }, opts.auth);
  progress({ status: `The push refers to repository [${parsed.name}]` });
  const results: PushResult[] = [];
  for (const t of targets) {
    const id = env.store.refs.lookup(t.key);
    if (!id || !env.store.has(id)) throw notFound(`tag does not exist: ${familiarName(parsed.name)}:${t.tag}`);
    results.push(await pushOne(env, remote, t.tag, env.store.mustGet(id), opts.signal, progress));
  }
  return results;
}

function tagsOf(env: DistributionEnv, name: string): { key: string; tag: string }[] {
  return env.store.tagsOfRepo(name).filter((t) => !isDigestKey(t.key) && repoOfKey(t.key) === name)
    .map((t) => ({ key: t.key, tag: t.key.slice(name.length + 1) })).sort((a, b) => a.tag.localeCompare(b.tag));
}

async function pushOne(env: DistributionEnv, remote: Remote, tag: string, img: StoredImage, signal: AbortSignal | undefined, progress: Progress): Promise<PushResult> {
  const diffIds = img.config.rootfs.diff_ids;
  const ids = diffIds.map(shortId);
  // Docker lists layers top first.
  for (let i = diffIds.length - 1; i >= 0; i--) progress({ status: 'Preparing', id: ids[i], progressDetail: {} });
  const pushed: PushedLayer[] = new Array(diffIds.length);
  const order = diffIds.map((_, i) => diffIds.length - 1 - i);
  await limited(order, MAX_CONCURRENT_UPLOADS, async (i) => {
    pushed[i] = await pushLayer(env, remote, diffIds[i], ids[i], signal, progress);
  });
  const configBytes = await readConfig(env, img);
  if (!(await hasBlob(remote, img.meta.id, signal))) await uploadBuffer(remote, img.meta.id, configBytes, signal);
  const manifest = manifestFor(pushed, { size: configBytes.length, digest: img.meta.id });
  const bytes = Buffer.from(JSON.stringify(manifest, null, 3));
  const res = await remote.client.call('PUT', `/v2/${remote.path}/manifests/${tag}`, {
    scopes: [pushScope(remote)], headers: { 'Content-Type': manifest.mediaType }, body: bytes, signal,
  });
  discard(res);
  const digest = digestOf(bytes);
  await env.store.lock.run(() => env.store.refs.set(`${remote.ref.name}@${digest}`, img.meta.id));
  env.store.deps.events.publish('image', 'push', `${familiarName(remote.ref.name)}:${tag}`, { name: familiarName(remote.ref.name) });
  progress({ status: `${tag}: digest: ${digest} size: ${bytes.length}` });
  return { tag, digest, size: bytes.length };
}

/**
 * A Docker schema2 manifest (what dockerd pushes), unless a layer reused from an OCI image is zstd:
 * schema2 has no type for that, so the manifest is OCI then. Layer types follow the manifest's
 * family (a gzip blob is the same bytes under either name).
 */
export function manifestFor(layers: PushedLayer[], config: { size: number; digest: string }) {
  const oci = layers.some((l) => l.mediaType === OCI_LAYER_ZSTD);
  const layerType = (t: string) => (t === OCI_LAYER_ZSTD ? t : oci ? OCI_LAYER_GZIP : DOCKER_LAYER_GZIP);
  return {
    schemaVersion: 2, mediaType: oci ? MEDIA.manifest : MANIFEST_V2,
    config: { mediaType: oci ? MEDIA.config : DOCKER_CONFIG, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: layerType(l.mediaType), size: l.size, digest: l.digest })),
  };
}

const pushScope = (remote: Remote) => `repository:${remote.path}:pull,push`;

function readConfig(env: DistributionEnv, img: StoredImage): Promise<Buffer> {
  return readFile(env.store.layout.blob(img.meta.id));
}

async function hasBlob(remote: Remote, digest: string, signal?: AbortSignal): Promise<number | undefined> {
  const res = await remote.client.call('HEAD', `/v2/${remote.path}/blobs/${digest}`, { scopes: [pushScope(remote)], accept: [404], signal });
  discard(res);
  if (res.statusCode !== 200) return undefined;
  return Number(res.headers['content-length'] ?? 0);
}

async function pushLayer(env: DistributionEnv, remote: Remote, diffId: string, id: string, signal: AbortSignal | undefined, progress: Progress): Promise<PushedLayer> {
  // The compressed blob it was last pulled as, if still cached: that digest is the one to keep,
  // so the registry's other variants of the layer are not taken instead.
  const cached = await cachedBlobOf(env, diffId);
  let seen = (await env.meta.sightings(diffId)).filter((s) => domainOf(s.repository) === remote.domain);
  if (cached) seen = seen.filter((s) => s.digest === cached.digest);
  // 1. The registry may have it already in this repository.
  const here = seen.filter((x) => x.repository === remote.ref.name);
  if (cached && here.length === 0) here.push({ ...cached, repository: remote.ref.name });
  for (const s of here) {
    const size = await hasBlob(remote, s.digest, signal);
    if (size !== undefined) {
      progress({ status: 'Layer already exists', id, progressDetail: {} });
      await env.meta.add([{ diffId, sighting: { ...s, size, repository: remote.ref.name } }]);
      return { digest: s.digest, size, mediaType: s.mediaType };
    }
  }
  // 2. Or in another repository of the same registry: mount it across.
  for (const s of seen.filter((x) => x.repository !== remote.ref.name)) {
    const from = s.repository.slice(remote.domain.length + 1);
    const mounted = await tryMount(remote, s, from, signal);
    if (mounted) {
      progress({ status: `Mounted from ${familiarName(s.repository)}`, id, progressDetail: {} });
      await env.meta.add([{ diffId, sighting: { ...s, repository: remote.ref.name } }]);
      return { digest: s.digest, size: s.size, mediaType: s.mediaType };
    }
  }
  // 3. The blob it was pulled as, sent as is: its digest (and compression) stay.
  // 4. Else the uncompressed layer, gzipped on the way.
  let sighting: BlobSighting;
  if (cached) {
    await uploadCached(env, remote, cached, id, signal, progress);
    sighting = { ...cached, repository: remote.ref.name };
  } else sighting = await uploadLayer(env, remote, diffId, id, signal, progress);
  await env.meta.add([{ diffId, sighting }]);
  progress({ status: 'Pushed', id, progressDetail: {} });
  return sighting;
}

async function tryMount(remote: Remote, s: BlobSighting, from: string, signal?: AbortSignal): Promise<boolean> {
  const q = new URLSearchParams({ mount: s.digest, from });
  const res = await remote.client.call('POST', `/v2/${remote.path}/blobs/uploads/?${q}`, {
    scopes: [pushScope(remote), `repository:${from}:pull`], accept: [202], signal,
  }).catch((e: unknown) => { if (e instanceof BerthError && e.kind !== 'unavailable') return undefined; throw e; });
  if (!res) return false;
  discard(res);
  if (res.statusCode === 201) return true;
  // 202: the registry opened an upload instead; close it.
  const loc = res.headers.location;
  if (loc) await remote.client.call('DELETE', loc, { scopes: [pushScope(remote)], absolute: true, accept: [404, 405], signal }).then(discard, () => undefined);
  return false;
}

async function startUpload(remote: Remote, signal?: AbortSignal): Promise<string> {
  const res = await remote.client.call('POST', `/v2/${remote.path}/blobs/uploads/`, { scopes: [pushScope(remote)], signal });
  discard(res);
  const loc = res.headers.location;
  if (!loc) throw invalidArgument(`registry ${remote.domain} opened an upload without a Location`);
  return loc;
}

function withDigest(location: string, digest: string): string {
  return location + (location.includes('?') ? '&' : '?') + `digest=${encodeURIComponent(digest)}`;
}

async function uploadBuffer(remote: Remote, digest: string, bytes: Buffer, signal?: AbortSignal): Promise<void> {
  const loc = await startUpload(remote, signal);
  const res = await remote.client.call('PUT', withDigest(loc, digest), {
    scopes: [pushScope(remote)], absolute: true, body: bytes, signal,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
  });
  discard(res);
}

/** PATCH a body as one chunked stream to an upload, then PUT the digest to close it. */
async function patchAndPut(remote: Remote, loc: string, body: PassThrough, producing: Promise<void>, digestOf: () => string, signal?: AbortSignal): Promise<void> {
  const patching = remote.client.call('PATCH', loc, {
    scopes: [pushScope(remote)], absolute: true, body, signal,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  // A refused PATCH must not leave the producer waiting on a body nobody reads.
  patching.catch(() => body.destroy());
  producing.catch(() => undefined);
  const [res] = await Promise.all([patching, producing]);
  discard(res);
  const next = res.headers.location ?? loc;
  const put = await remote.client.call('PUT', withDigest(next, digestOf()), { scopes: [pushScope(remote)], absolute: true, signal, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) });
  discard(put);
}

/** Uploads the layer's uncompressed tar gzipped on the fly; its digest is known at the end. */
async function uploadLayer(env: DistributionEnv, remote: Remote, diffId: string, id: string, signal: AbortSignal | undefined, progress: Progress): Promise<BlobSighting> {
  const loc = await startUpload(remote, signal);
  const total = (await env.store.blobSize(diffId).catch(() => -1));
  const report = throttled(progress, 'Pushing', id, total);
  const hash = createHash('sha256');
  let size = 0;
  let read = 0;
  const source = createReadStream(env.store.layout.blob(diffId));
  source.on('data', (c) => { read += (c as Buffer).length; report(read); });
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) { hash.update(chunk); size += chunk.length; cb(null, chunk); },
  });
  const body = new PassThrough();
  let digest = '';
  await patchAndPut(remote, loc, body, pipeline(source, createGzip(), counter, body), () => (digest = `sha256:${hash.digest('hex')}`), signal);
  return { digest, size, mediaType: DOCKER_LAYER_GZIP, repository: remote.ref.name };
}

/**
 * The compressed blob this layer was pulled as, if the blob cache still holds it: pushing those
 * bytes keeps the layer's digest (and its compression) in every registry it goes to.
 */
async function cachedBlobOf(env: DistributionEnv, diffId: string): Promise<BlobSighting | undefined> {
  for (const s of await env.meta.sightings(diffId)) if (await env.cache.has(s.digest, s.size)) return s;
  return undefined;
}

/** Uploads a cached compressed blob as it is; the registry checks the digest on PUT. */
async function uploadCached(env: DistributionEnv, remote: Remote, blob: BlobSighting, id: string, signal: AbortSignal | undefined, progress: Progress): Promise<void> {
  const loc = await startUpload(remote, signal);
  const report = throttled(progress, 'Pushing', id, blob.size);
  let read = 0;
  const source = createReadStream(env.cache.path(blob.digest), { highWaterMark: 1 << 20 });
  source.on('data', (c) => { read += (c as Buffer).length; report(read); });
  const body = new PassThrough();
  await patchAndPut(remote, loc, body, pipeline(source, body), () => blob.digest, signal);
}

function domainOf(name: string): string {
  return name.slice(0, name.indexOf('/'));
}
