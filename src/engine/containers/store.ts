// Container records on disk: one directory per container under ${dataRoot}/containers/<id>/ with
// container.json written atomically (temp file + rename), so a berthd killed at any moment (kill -9,
// a crash, the OOM killer) leaves either the old record or the new one, never half of one. No
// fsync: the page cache outlives the process, and rename(2) is atomic for every later reader; only
// a host crash could lose the last writes (see docs/runtime.md, "Record writes", for that choice).
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord } from '../types.js';
import { notFound } from '../../common/errors.js';

export const RECORD_FILE = 'container.json';

export class ContainerStore {
  constructor(readonly dir: string) {}

  containerDir(id: string): string { return join(this.dir, id); }

  async init(): Promise<void> { await mkdir(this.dir, { recursive: true }); }

  /**
   * Two file operations (write the temp file, rename it over the record), in call order per record
   * so that an older state can never land after a newer one. The directory (made by create) must
   * exist: a late save of a container removed meanwhile fails (not_found) instead of bringing its
   * directory, and so the container, back.
   */
  save(rec: ContainerRecord): Promise<void> {
    const data = JSON.stringify(rec, null, 1); // the state as of the call
    const next = (this.inFlight.get(rec.id) ?? Promise.resolve()).catch(() => undefined).then(() => this.write(rec.id, data));
    this.inFlight.set(rec.id, next);
    const forget = () => { if (this.inFlight.get(rec.id) === next) this.inFlight.delete(rec.id); };
    next.then(forget, forget);
    return next;
  }

  private readonly inFlight = new Map<string, Promise<void>>();
  private writes = 0;

  private async write(id: string, data: string): Promise<void> {
    const dir = this.containerDir(id);
    const tmp = join(dir, `.${RECORD_FILE}.${process.pid}.${++this.writes}.tmp`);
    try {
      await writeFile(tmp, data, { mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(`No such container: ${id}`);
      throw e;
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
    await this.inFlight.get(id)?.catch(() => undefined);
    const dir = this.containerDir(id);
    const gone = join(this.dir, `.removing-${id}`);
    const renamed = await rename(dir, gone).then(() => true, () => false);
    // Once renamed the record is gone (loadAll skips and clears dot entries): the files (logs,
    // hosts, ...) are deleted after the caller moves on, off the path of `run --rm`'s wait.
    if (renamed) void rm(gone, { recursive: true, force: true }).catch(() => undefined);
    else await rm(dir, { recursive: true, force: true });
  }
}
