// `pull`: manifest (an index resolved to one platform) → config → layers. Layers already in the
// store are skipped; the others download three at a time into the verified blob cache and are
// unpacked in order, each checked against its diffID. Only when every layer is in place is the
// image recorded and tagged, so an interrupted pull leaves no image, and the next one resumes
// from the blobs already verified.
import { createReadStream } from 'node:fs';
import { BerthError, invalidArgument, notFound } from '../../../common/errors.js';
import type { RegistryAuth, PullResult } from '../../registry/types.js';
import { readAll } from '../../registry/http.js';
import { digestOf, shortId } from '../fsutil.js';
import { checkConfig, parsePlatform, type Descriptor, type OciManifest } from '../image-config.js';
import { chainIdOf } from '../layers.js';
import { familiarName, familiarString, parseNormalizedNamed, referenceString, tagNameOnly } from '../reference.js';
import { checkDigest, classify, MANIFEST_ACCEPT, pickPlatform } from './manifest.js';
import { remoteOf, throttled, type DistributionEnv, type Progress, type Remote } from './remote.js';

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
    for (const l of manifest.layers) await env.cache.drop(l.digest);
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
  if (codes.includes('NAME_UNKNOWN') || ((e.kind === 'permission_denied') && !remote.client.insecure)) {
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

/** Downloads (in parallel) and unpacks (in order) the layers not in the store yet. */
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

  const abort = new AbortController();
  const onAbort = () => abort.abort();
  signal?.addEventListener('abort', onAbort);
  let free = MAX_CONCURRENT_DOWNLOADS;
  const waiters: (() => void)[] = [];
  const acquire = async () => {
    if (free > 0) { free--; return; }
    await new Promise<void>((r) => waiters.push(r));
  };
  const release = () => { const w = waiters.shift(); if (w) w(); else free++; };

  const downloads = layers.map(async (l, i) => {
    if (present[i]) return;
    if (await env.cache.has(l.digest, l.size)) { progress({ status: 'Download complete', id: ids[i], progressDetail: {} }); return; }
    if (free === 0) progress({ status: 'Waiting', id: ids[i], progressDetail: {} });
    await acquire();
    try {
      if (abort.signal.aborted) throw abort.signal.reason ?? new Error('aborted');
      const res = await remote.client.call('GET', `/v2/${remote.path}/blobs/${l.digest}`, { scopes: [`repository:${remote.path}:pull`], signal: abort.signal });
      const total = l.size >= 0 ? l.size : Number(res.headers['content-length'] ?? -1);
      const report = throttled(progress, 'Downloading', ids[i], total);
      await env.cache.store(l.digest, l.size, res, report);
      progress({ status: 'Verifying Checksum', id: ids[i], progressDetail: {} });
      progress({ status: 'Download complete', id: ids[i], progressDetail: {} });
    } finally {
      release();
    }
  });
  downloads.forEach((d) => d.catch(() => abort.abort()));
  try {
    for (let i = 0; i < layers.length; i++) {
      if (present[i]) continue;
      await downloads[i];
      const path = env.cache.path(layers[i].digest);
      const report = throttled(progress, 'Extracting', ids[i], layers[i].size);
      await store.layers.unpack(counted(createReadStream(path, { highWaterMark: 1 << 20 }), report), i === 0 ? null : chains[i - 1], diffIds[i]);
      progress({ status: 'Pull complete', id: ids[i], progressDetail: {} });
    }
  } finally {
    abort.abort();
    signal?.removeEventListener('abort', onAbort);
    await Promise.allSettled(downloads);
  }
}

/** Passes a stream's chunks on, reporting the bytes read so far. */
async function* counted(src: AsyncIterable<Buffer | string>, report: (n: number) => void): AsyncGenerator<Buffer> {
  let n = 0;
  for await (const c of src) {
    const b = Buffer.from(c);
    n += b.length;
    report(n);
    yield b;
  }
}
