// What berth knows of each layer's compressed form in registries (Docker's "v2metadata"): a layer
// (by diffID) was pulled from or pushed to repository R as blob D. Push uses it to skip blobs a
// registry already has (HEAD) and to mount them from another repository of the same registry.
import { join } from 'node:path';
import { ensureDir, readJsonIfExists, writeFileAtomic } from '../fsutil.js';
import { Mutex } from '../mutex.js';

export interface BlobSighting { digest: string; repository: string; size: number; mediaType: string }

const MAX_PER_LAYER = 16;

export class V2Metadata {
  private map = new Map<string, BlobSighting[]>();
  private loaded = false;
  private readonly lock = new Mutex();
  private readonly path: string;

  constructor(private readonly dir: string, private readonly tmpDir: string) {
    this.path = join(dir, 'v2metadata.json');
  }

  private async load(): Promise<void> {
    if (this.loaded) return;
    const f = await readJsonIfExists<Record<string, BlobSighting[]>>(this.path);
    this.map = new Map(Object.entries(f ?? {}));
    this.loaded = true;
  }

  async sightings(diffId: string): Promise<BlobSighting[]> {
    await this.load();
    return [...(this.map.get(diffId) ?? [])];
  }

  /** Every compressed digest seen, with the diffIDs it was seen for. */
  async layersByDigest(): Promise<Map<string, string[]>> {
    await this.load();
    const out = new Map<string, string[]>();
    for (const [diffId, list] of this.map) for (const s of list) out.set(s.digest, [...(out.get(s.digest) ?? []), diffId]);
    return out;
  }

  /** Records sightings (newest first, one per repository and digest), written atomically. */
  add(entries: { diffId: string; sighting: BlobSighting }[]): Promise<void> {
    return this.lock.run(async () => {
      await this.load();
      for (const { diffId, sighting } of entries) {
        const list = (this.map.get(diffId) ?? []).filter((s) => !(s.repository === sighting.repository && s.digest === sighting.digest));
        list.unshift(sighting);
        this.map.set(diffId, list.slice(0, MAX_PER_LAYER));
      }
      await ensureDir(this.dir);
      await writeFileAtomic(this.path, JSON.stringify(Object.fromEntries(this.map)), this.tmpDir);
    });
  }
}
