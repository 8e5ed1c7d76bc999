// `import`: a rootfs tar becomes a one-layer image, its config shaped by `changes` lines.
import type { Readable } from 'node:stream';
import type { ImageRecord } from '../types.js';
import { applyChanges } from './changes.js';
import type { OciImage } from './image-config.js';
import { parsePlatform } from './image-config.js';
import { Store } from './store.js';

export async function importImage(
  store: Store,
  tar: Readable,
  opts: { ref?: string; changes?: string[]; message?: string; platform?: string },
): Promise<ImageRecord> {
  // Validate everything before reading a byte, so bad input costs nothing.
  const key = opts.ref ? Store.tagKey(opts.ref) : undefined;
  const platform = parsePlatform(opts.platform);
  const config = applyChanges({}, opts.changes ?? []);
  const message = opts.message || 'Imported from -';

  const layer = await store.layers.unpack(tar, null, undefined, store.pinHooks);
  try {
    const created = nowRfc3339Nano();
    const image: OciImage = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      os: platform.os,
      config,
      created,
      comment: message,
      history: [{ created, comment: message }],
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    };
    const img = await store.lock.run(async () => {
      const stored = await store.addImage(Buffer.from(JSON.stringify(image)));
      store.deps.events.publish('image', 'import', stored.meta.id, { name: stored.meta.id });
      if (key) await store.setTag(key, stored.meta.id);
      return stored;
    });
    await store.warmSizes();
    return store.record(img);
  } finally {
    store.unpin(layer.chainId);
  }
}

/** RFC 3339 with nanoseconds, as Docker writes `created` (two imports a millisecond apart stay two images). */
function nowRfc3339Nano(): string {
  const ms = Date.now();
  const nanos = String((ms % 1000) * 1_000_000 + (Number(process.hrtime.bigint() % 1_000_000n))).padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${nanos}Z`;
}
