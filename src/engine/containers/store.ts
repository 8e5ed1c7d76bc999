// Container records on disk: one directory per container under ${dataRoot}/containers/<id>/ with
// container.json written atomically (temp file + fsync + rename), so a kill -9 at any moment
// leaves either the old record or the new one, never half of one.
import { mkdir, readdir, readFile, rename, rm, writeFile, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../types.js';

export const RECORD_FILE = 'container.json';

export class ContainerStore {
  constructor(readonly dir: string) {}

  containerDir(id: string): string { return join(this.dir, id); }

  async init(): Promise<void> { await mkdir(this.dir, { recursive: true }); }

  async save(rec: ContainerRecord): Promise<void> {
    const dir = this.containerDir(rec.id);
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${RECORD_FILE}.${process.pid}.${Date.now()}.tmp`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(rec, null, 1));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, RECORD_FILE));
  }

  /** Every stored record; directories without a record (a create cut short) are removed. */
  async loadAll(): Promise<ContainerRecord[]> {
    const out: ContainerRecord[] = [];
    let names: string[] = [];
    try { names = await readdir(this.dir); } catch { return out; }
    for (const id of names) {
      // A removal's leftover (remove() renamed it away): not a container, whatever it still holds.
      if (id.startsWith('.')) { await rm(join(this.dir, id), { recursive: true, force: true }); continue; }
      try {
        out.push(JSON.parse(await readFile(join(this.dir, id, RECORD_FILE), 'utf8')) as ContainerRecord);
      } catch {
        await rm(join(this.dir, id), { recursive: true, force: true });
      }
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    // Rename first so a crash mid-delete never leaves a half-removed record that still loads.
    const dir = this.containerDir(id);
    const gone = join(this.dir, `.removing-${id}`);
    const renamed = await rename(dir, gone).then(() => true, () => false);
    // Once renamed the record is gone (loadAll skips and clears dot entries): the files (logs,
    // hosts, ...) are deleted after the caller moves on, off the path of `run --rm`'s wait.
    if (renamed) void rm(gone, { recursive: true, force: true }).catch(() => undefined);
    else await rm(dir, { recursive: true, force: true });
  }

  async writeFileAtomic(path: string, data: string): Promise<void> {
    const tmp = `${path}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }
}
