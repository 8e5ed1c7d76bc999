// What pull and push share: a reference split into registry and repository path, the client for
// it, and the places distribution state lives in the store.
import { join } from 'node:path';
import { RegistryClient } from '../../registry/client.js';
import type { EndpointPolicy } from '../../registry/endpoint.js';
import type { RegistryAuth, TransferProgress } from '../../registry/types.js';
import type { ImageReference } from '../reference.js';
import type { Store } from '../store.js';
import { BlobCache } from './blob-cache.js';
import { V2Metadata } from './v2-metadata.js';

export interface DistributionEnv {
  store: Store;
  policy: EndpointPolicy;
  meta: V2Metadata;
  cache: BlobCache;
}

export function distributionEnv(store: Store, policy: EndpointPolicy): DistributionEnv {
  const root = join(store.layout.images, 'distribution');
  const env: DistributionEnv = { store, policy, meta: new V2Metadata(root, store.layout.tmp), cache: new BlobCache(root) };
  store.onGc((kept) => sweepBlobCache(env, kept));
  return env;
}

/**
 * Drops cached compressed blobs whose layers are all gone (or that no layer is known for): an
 * `rmi` frees them with the layers. The store skips this at start-up, so the blobs an
 * interrupted pull verified survive a restart and the next pull resumes from them.
 */
async function sweepBlobCache(env: DistributionEnv, keptDiffIds: Set<string>): Promise<void> {
  const layersOf = await env.meta.layersByDigest();
  for (const digest of await env.cache.list()) {
    if (!(layersOf.get(digest) ?? []).some((d) => keptDiffIds.has(d))) await env.cache.drop(digest);
  }
}

export interface Remote {
  ref: ImageReference;
  /** "127.0.0.1:5000", "docker.io" */
  domain: string;
  /** Path inside the registry: "library/busybox", "team/app". */
  path: string;
  client: RegistryClient;
}

export function remoteOf(env: DistributionEnv, ref: ImageReference, auth: RegistryAuth | undefined): Remote {
  const slash = ref.name.indexOf('/');
  const domain = ref.name.slice(0, slash);
  return { ref, domain, path: ref.name.slice(slash + 1), client: new RegistryClient(domain, auth, env.policy) };
}

export type Progress = (p: TransferProgress) => void;

/** Progress for bytes, at most every 100 ms per id (and always for the last byte). */
export function throttled(progress: Progress, status: string, id: string, total: number): (current: number) => void {
  let last = 0;
  return (current) => {
    const now = Date.now();
    if (now - last < 100 && current !== total) return;
    last = now;
    progress({ status, id, progressDetail: { current, total } });
  };
}

/** Runs tasks with at most `limit` at once; the first failure aborts the rest (through `signal`). */
export async function limited<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try { await fn(items[i], i); } catch (e) { failed ??= e; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
