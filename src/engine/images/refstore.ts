// The repositories index: fully qualified "name:tag" and "name@digest" → image id, one JSON file
// rewritten atomically on every change (it is small; Docker keeps the same in repositories.json).
import { readJsonIfExists, writeFileAtomic } from './fsutil.js';
import { familiarName } from './reference.js';

interface IndexFile { tags: Record<string, string>; digests: Record<string, string> }

export class RefStore {
  private tags = new Map<string, string>();
  private digests = new Map<string, string>();

  constructor(private readonly path: string, private readonly tmpDir: string) {}

  async load(): Promise<void> {
    const f = await readJsonIfExists<IndexFile>(this.path);
    this.tags = new Map(Object.entries(f?.tags ?? {}));
    this.digests = new Map(Object.entries(f?.digests ?? {}));
  }

  private async save(): Promise<void> {
    const f: IndexFile = { tags: Object.fromEntries(this.tags), digests: Object.fromEntries(this.digests) };
    await writeFileAtomic(this.path, JSON.stringify(f, null, 1), this.tmpDir);
  }

  /** Full key ("docker.io/library/busybox:latest" or "...@sha256:...") → image id. */
  lookup(key: string): string | undefined {
    return key.includes('@') ? this.digests.get(key) : this.tags.get(key);
  }

  /** Points a reference at an image; returns the image it pointed at before, if another. */
  async set(key: string, imageId: string): Promise<string | undefined> {
    const map = key.includes('@') ? this.digests : this.tags;
    const before = map.get(key);
    // Re-pointing a reference at the image it already names writes nothing (a cached rebuild's tag).
    if (before === imageId) return undefined;
    map.set(key, imageId);
    await this.save();
    return before;
  }

  async delete(key: string): Promise<boolean> {
    const map = key.includes('@') ? this.digests : this.tags;
    const had = map.delete(key);
    if (had) await this.save();
    return had;
  }

  /** Every reference to an image, sorted (tags and digests), as full keys. */
  refsOf(imageId: string): string[] {
    const out: string[] = [];
    for (const [k, v] of this.tags) if (v === imageId) out.push(k);
    for (const [k, v] of this.digests) if (v === imageId) out.push(k);
    return out.sort();
  }

  /** Drops references to images that are gone (reconciliation at open). */
  async retain(isImage: (id: string) => boolean): Promise<void> {
    let changed = false;
    for (const map of [this.tags, this.digests]) {
      for (const [k, v] of map) if (!isImage(v)) { map.delete(k); changed = true; }
    }
    if (changed) await this.save();
  }
}

/** "docker.io/library/busybox:latest" → "busybox:latest". */
export function familiarKey(key: string): string {
  const at = key.indexOf('@');
  const colon = at === -1 ? key.lastIndexOf(':') : -1;
  const split = at !== -1 ? at : colon > key.lastIndexOf('/') ? colon : -1;
  if (split === -1) return familiarName(key);
  return familiarName(key.slice(0, split)) + key.slice(split);
}

export function isDigestKey(key: string): boolean { return key.includes('@'); }

/** The repository part of a full key. */
export function repoOfKey(key: string): string {
  const at = key.indexOf('@');
  if (at !== -1) return key.slice(0, at);
  const colon = key.lastIndexOf(':');
  return colon > key.lastIndexOf('/') ? key.slice(0, colon) : key;
}
