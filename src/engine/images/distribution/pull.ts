// `pull`: manifest (an index resolved to one platform) → config → layers. Layers already in the
// store are skipped; the others stream three at a time from the registry straight into their
// staging directories (hashed and teed into the blob cache on the way), each committed only once
// its blob digest and diffID verify. Only when every layer is in place is the image recorded and
// tagged, so an interrupted pull leaves no image, and the next one resumes from the blobs already
// verified.
import { createReadStream } from 'node:fs';
import { BerthError, invalidArgument, notFound } from '../../../common/errors.js';
import type { RegistryAuth, PullResult } from '../../registry/types.js';
import { readAll } from '../../registry/http.js';
import { digestOf, shortId } from '../fsutil.js';
import { checkConfig, parsePlatform, type Descriptor, type OciManifest } from '../image-config.js';
import { chainIdOf } from '../layers.js';
import { familiarName, familiarString, parseNormalizedNamed, referenceString, tagNameOnly } from '../reference.js';
import { checkDigest, classify, MANIFEST_ACCEPT, pickPlatform } from './manifest.js';
import { LayerSource } from './layer-source.js';
import { limited, remoteOf, throttled, type DistributionEnv, type Progress, type Remote } from './remote.js';

const MAX_CONCURRENT_DOWNLOADS = 3;

export interface PullOptions { platform?: string; auth?: RegistryAuth; signal?: AbortSignal }

export async function pullImage(env: DistributionEnv, refString: string, opts: PullOptions, progress: Progress): Promise<PullResult> {
  const ref = tagNameOnly(parseNormalizedNamed(refString));
  const remote = remoteOf(env, ref, opts.auth);
  const shown = familiarString(ref);
  // Docker says nothing before the manifest is found, so a missing tag is a plain HTTP error.
  const { manifest, digest } = await resolveManifest(remote, opts, shown);
  progress({ status: `Pulling from ${remote.path}`, id: ref.digest ?? ref.tag });
  const configBytes = await fetchSmallBlob(remote, manifest.config, opts.signal);
  const config = checkConfig(JSON.parse(configBytes.toString('utf8')));
  const diffIds = config.rootfs.diff_ids;
  if (diffIds.length !== manifest.layers.length) {
    throw invalidArgument(`invalid manifest for ${shown}: ${manifest.layers.length} layers but ${diffIds.length} diff IDs in its config`);
  }
  const pinned: string[] = [];
  try {
    await fetchLayers(env, remote, manifest.layers, diffIds, pinned, opts.signal, progress);
    const store = env.store;
    const result = await store.lock.run(async () => {
      const img = await store.addImage(configBytes);
      const id = img.meta.id;
      let before: string | undefined;
      if (ref.tag !== undefined && ref.digest === undefined) before = store.refs.lookup(referenceString(ref));
      if (ref.tag !== undefined && ref.digest === undefined) await store.refs.set(referenceString(ref), id);
      await store.refs.set(`${ref.name}@${digest}`, id);
      store.deps.events.publish('image', 'pull', shown, { name: familiarName(ref.name) });
      return { id, upToDate: before === id };
    });
    await env.meta.add(manifest.layers.map((l, i) => ({ diffId: diffIds[i], sighting: { digest: l.digest, repository: ref.name, size: l.size, mediaType: l.mediaType } })));
    progress({ status: `Digest: ${digest}` });
    progress({ status: result.upToDate ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}` });
    return { id: result.id, digest, reference: referenceString(ref) };
  } finally {
    for (const c of pinned) env.store.unpin(c);
    await env.store.warmSizes();
  }
}

/** GET the manifest by tag or digest, following an index to the wanted platform; digests are checked. */
async function resolveManifest(remote: Remote, opts: PullOptions, shown: string): Promise<{ manifest: OciManifest; digest: string }> {
  const want = parsePlatform(opts.platform);
  const top = await getManifest(remote, remote.ref.digest ?? remote.ref.tag ?? 'latest', opts.signal, shown);
  if (top.fetched.kind === 'manifest') return { manifest: top.fetched.manifest, digest: top.digest };
  const entry = pickPlatform(top.fetched.index, want, shown);
  checkDigest(entry.digest);
  const inner = await getManifest(remote, entry.digest, opts.signal, shown);
  if (inner.fetched.kind !== 'manifest') throw invalidArgument(`invalid manifest list for ${shown}: an entry is itself a list`);
  return { manifest: inner.fetched.manifest, digest: top.digest };
}

async function getManifest(remote: Remote, reference: string, signal: AbortSignal | undefined, shown: string) {
  const scopes = [`repository:${remote.path}:pull`];
  let res;
  try {
    res = await remote.client.call('GET', `/v2/${remote.path}/manifests/${reference}`, { scopes, headers: { Accept: MANIFEST_ACCEPT }, signal });
  } catch (e) {
    throw pullError(e, remote, shown);
  }
  const bytes = await readAll(res);
  const digest = digestOf(bytes);
  if (reference.startsWith('sha256:') && digest !== reference) throw invalidArgument(`manifest verification failed for digest ${reference}`);
  const header = res.headers['docker-content-digest'];
  if (typeof header === 'string' && header.startsWith('sha256:') && header !== digest) {
    throw invalidArgument(`manifest verification failed for ${shown}: the registry says ${header}, the content is ${digest}`);
  }
  return { fetched: classify(bytes, res.headers['content-type'], shown), digest };
}

/** Docker's wording for the usual ways a pull fails at the manifest. */
function pullError(e: unknown, remote: Remote, shown: string): unknown {
  if (!(e instanceof BerthError)) return e;
  const codes = (e.details.codes as string[] | undefined) ?? [];
  if (codes.includes('MANIFEST_UNKNOWN') || (e.kind === 'not_found' && !codes.includes('NAME_UNKNOWN'))) {
    return notFound(`manifest for ${shown} not found: ${e.message}`);
  }
  if (codes.includes('NAME_UNKNOWN') || codes.includes('DENIED') || ((e.kind === 'permission_denied') && !remote.client.insecure)) {
    return notFound(`pull access denied for ${familiarName(remote.ref.name)}, repository does not exist or may require 'docker login': ${e.message}`);
  }
  return e;
}

async function fetchSmallBlob(remote: Remote, desc: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  const res = await remote.client.call('GET', `/v2/${remote.path}/blobs/${desc.digest}`, { scopes: [`repository:${remote.path}:pull`], signal });
  const bytes = await readAll(res);
  if (digestOf(bytes) !== desc.digest) throw invalidArgument(`config verification failed for digest ${desc.digest}`);
  return bytes;
}

/**
 * Fetches the layers not in the store yet, three at a time, each in one pass: the download is
 * hashed, teed into the blob cache and unpacked into the layer's staging directory as it arrives.
 * A layer is committed only once its blob's digest and its diffID verify; its compressed blob
 * enters the cache just after. A blob the cache holds already is unpacked from there (no GET).
 * Layers unpack independently (each into its own directory), so order does not matter.
 */
async function fetchLayers(
  env: DistributionEnv, remote: Remote, layers: Descriptor[], diffIds: string[], pinned: string[],
  signal: AbortSignal | undefined, progress: Progress,
): Promise<void> {
  const store = env.store;
  const chains: string[] = [];
  const present: boolean[] = [];
  let parent: string | null = null;
  for (let i = 0; i < layers.length; i++) {
    const chain = chainIdOf(parent, diffIds[i]);
    chains.push(chain);
    pinned.push(chain);
    present.push(await store.pinLayer(chain, diffIds[i]));
    parent = chain;
  }
  const ids = layers.map((l) => shortId(l.digest));
  for (let i = 0; i < layers.length; i++) progress({ status: present[i] ? 'Already exists' : 'Pulling fs layer', id: ids[i], progressDetail: {} });
  const missing = layers.map((_, i) => i).filter((i) => !present[i]);
  if (missing.length > MAX_CONCURRENT_DOWNLOADS) for (const i of missing.slice(MAX_CONCURRENT_DOWNLOADS)) progress({ status: 'Waiting', id: ids[i], progressDetail: {} });

  const abort = new AbortController();
  const onAbort = () => abort.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort);
  try {
    await limited(missing, MAX_CONCURRENT_DOWNLOADS, async (i) => {
      if (abort.signal.aborted) throw abort.signal.reason ?? new Error('aborted');
      try {
        await fetchLayer(env, remote, layers[i], diffIds[i], i === 0 ? null : chains[i - 1], ids[i], abort.signal, progress);
      } catch (e) {
        // The first failure stops the other downloads: nothing of this pull is committed as an image.
        abort.abort(e);
        throw e;
      }
    });
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function fetchLayer(
  env: DistributionEnv, remote: Remote, desc: Descriptor, diffId: string, parent: string | null, id: string,
  signal: AbortSignal, progress: Progress,
): Promise<void> {
  const extracting = throttled(progress, 'Extracting', id, desc.size);
  let source: LayerSource;
  const cached = await env.cache.has(desc.digest, desc.size);
  if (cached) {
    progress({ status: 'Download complete', id, progressDetail: {} });
    source = new LayerSource(createReadStream(env.cache.path(desc.digest), { highWaterMark: 1 << 20, signal }), desc, extracting);
  } else {
    const res = await remote.client.call('GET', `/v2/${remote.path}/blobs/${desc.digest}`, { scopes: [`repository:${remote.path}:pull`], signal });
    const total = desc.size >= 0 ? desc.size : Number(res.headers['content-length'] ?? -1);
    source = new LayerSource(res, desc, throttled(progress, 'Downloading', id, total), await env.cache.begin(desc.digest));
  }
  try {
    const beforeCommit = async () => {
      await source.verify();
      if (!cached) {
        progress({ status: 'Verifying Checksum', id, progressDetail: {} });
        progress({ status: 'Download complete', id, progressDetail: {} });
      }
    };
    await env.store.layers.unpack(source.chunks(), parent, diffId, undefined, undefined, { beforeCommit });
  } catch (e) {
    const why = await source.explain(e, signal.aborted);
    await source.abort();
    // A cached blob that no longer verifies (or whose layer does not match its diffID) is useless.
    if (cached) await env.cache.drop(desc.digest);
    throw why;
  }
  // Only a verified blob whose layer is committed is remembered (the sighting first, so the
  // cache's garbage collection never finds the blob without knowing its layer).
  await env.meta.add([{ diffId, sighting: { digest: desc.digest, repository: remote.ref.name, size: desc.size, mediaType: desc.mediaType } }]);
  await source.keep();
  if (desc.size >= 0) extracting(desc.size);
  progress({ status: 'Pull complete', id, progressDetail: {} });
}
