// A build step as an image: the parent's config and layers, plus (when the step changed files) the
// step rootfs's upper dir as one new layer, plus one history entry. An unchanged filesystem adds no
// layer (history says empty_layer), as Docker does for a RUN or WORKDIR that changed nothing.
import { join } from 'node:path';
import type { ImageRecord, OciImageConfig } from '../types.js';
import { diffIsEmpty, diffTar } from './layer-diff.js';
import { hostPlatform, type OciHistory, type OciImage } from './image-config.js';
import type { Store } from './store.js';

export interface BuildCommit {
  /** Image id of the parent; none for FROM scratch. */
  parent?: string;
  /** A rootfs (RootfsService id) whose changes become the new layer. */
  rootfsOf?: string;
  /** Whether that rootfs was a container's (its runtime mount points are left out). */
  ranContainer?: boolean;
  config: OciImageConfig;
  createdBy: string;
  comment?: string;
  author?: string;
  /** No history entry (the empty base a FROM scratch stage needs before its first file step). */
  noHistory?: boolean;
}

export async function commitBuild(store: Store, c: BuildCommit): Promise<ImageRecord> {
  const parent = c.parent ? store.mustGet(c.parent) : undefined;
  const platform = hostPlatform();
  const diffIds = [...(parent?.config.rootfs.diff_ids ?? [])];
  const history: OciHistory[] = [...(parent?.config.history ?? [])];
  const created = new Date().toISOString().replace(/Z$/, `${String(process.hrtime()[1] % 1_000_000).padStart(6, '0')}Z`);
  let pinned: string | undefined;
  let emptyLayer = true;
  if (c.rootfsOf) {
    const upper = join(store.layout.containerDir(c.rootfsOf), 'upper');
    const lowerDirs = [...(parent?.chain ?? [])].reverse().map((ch) => store.layout.diffDir(ch));
    const opts = { runtimeStubs: c.ranContainer, lowerDirs };
    if (!(await diffIsEmpty(upper, opts))) {
      const parentChain = parent?.chain.at(-1) ?? null;
      const layer = await store.layers.unpack(diffTar(upper, opts) as AsyncIterable<Buffer>, parentChain, undefined, store.pinHooks);
      pinned = layer.chainId;
      diffIds.push(layer.diffId);
      emptyLayer = false;
    }
  }
  try {
    const image: OciImage = {
      architecture: parent?.config.architecture ?? platform.architecture,
      ...(parent?.config.variant ? { variant: parent.config.variant } : {}),
      os: parent?.config.os ?? platform.os,
      ...(c.author ?? parent?.config.author ? { author: c.author ?? parent?.config.author } : {}),
      config: c.config,
      created,
      history: c.noHistory ? history : [...history, { created, created_by: c.createdBy, ...(c.comment ? { comment: c.comment } : {}), ...(emptyLayer ? { empty_layer: true } : {}) }],
      rootfs: { type: 'layers', diff_ids: diffIds },
    };
    const stored = await store.lock.run(() => store.addImage(Buffer.from(JSON.stringify(image)), c.parent));
    await store.warmSizes();
    return store.record(stored);
  } finally {
    if (pinned) store.unpin(pinned);
  }
}
