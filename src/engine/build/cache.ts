// The layer cache: a step's key (parent image, the instruction as expanded, the config it leaves,
// and for COPY/ADD a checksum of the files read) → the image that step made. A hit is used only
// while that image still exists; entries are kept in one JSON file under <dataRoot>/build.
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../images/fsutil.js';

export function cacheKey(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export class BuildCache {
  private entries = new Map<string, string>();
  private loaded = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  private async load(): Promise<void> {
    if (this.loaded) return;
    const text = await readFile(this.file, 'utf8').catch(() => '{}');
    try {
      this.entries = new Map(Object.entries(JSON.parse(text) as Record<string, string>));
    } catch {
      this.entries = new Map();
    }
    this.loaded = true;
  }

  async get(key: string): Promise<string | undefined> {
    await this.load();
    return this.entries.get(key);
  }

  async set(key: string, imageId: string): Promise<void> {
    await this.load();
    this.entries.set(key, imageId);
    // Writes are serialised; each writes the whole (small) map.
    this.writing = this.writing.then(async () => {
      await mkdir(dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
    });
    await this.writing;
  }

  /** Drops entries whose image is gone. */
  async retain(exists: (id: string) => boolean): Promise<void> {
    await this.load();
    for (const [k, v] of this.entries) if (!exists(v)) this.entries.delete(k);
  }
}
