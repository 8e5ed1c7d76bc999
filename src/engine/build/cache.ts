// The layer cache: a step's key (parent image, the instruction as expanded, the config it leaves,
// and for COPY/ADD a checksum of the files read) → the image that step made. A hit is used only
// while that image still exists; entries are kept in one JSON file under <dataRoot>/build,
// written at the end of each build that added some.
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
  private dirty = false;

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

  /** Records a step's image; written to disk by flush() (once per build, not per step). */
  async set(key: string, imageId: string): Promise<void> {
    await this.load();
    this.entries.set(key, imageId);
    this.dirty = true;
  }

  /**
   * Writes the entries if they changed. Once per build: a lost entry only costs a rebuild of that
   * step, so a cold build pays one atomic write instead of one per step.
   */
  async flush(): Promise<void> {
    const run = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await mkdir(dirname(this.file), { recursive: true });
        await writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.entries)));
      } catch (e) {
        this.dirty = true;
        throw e;
      }
    });
    // The chain goes on after a failed write (the next flush tries again).
    this.writing = run.catch(() => undefined);
    await run;
  }

  /** Drops entries whose image is gone. */
  async retain(exists: (id: string) => boolean): Promise<void> {
    await this.load();
    for (const [k, v] of this.entries) if (!exists(v)) this.entries.delete(k);
  }
}
