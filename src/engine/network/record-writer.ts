// Durable JSON records with group commit. Each file is written atomically (state-file.ts), one
// write at a time; callers that ask while a write of the same file is under way share the next
// write, which takes its snapshot when it begins and so holds every change made before. Twenty
// containers attaching to one network at once then cost a few fsyncs instead of twenty in a row,
// and every caller still returns only once its change is on disk.
import { rm } from 'node:fs/promises';
import { writeJsonAtomic } from '../../common/json-file.js';

/** What a snapshot returns when the record should not be written (e.g. it was removed meanwhile). */
export const SKIP = Symbol('skip');

interface Waiter { resolve(): void; reject(e: unknown): void }
interface Slot { running: boolean; next?: { op: (sync: boolean) => Promise<void>; waiters: Waiter[]; sync: boolean } }

export class RecordWriter {
  private readonly slots = new Map<string, Slot>();

  /**
   * Writes `snapshot()` (taken when the write begins) to `path`; resolves once it is on disk
   * (`sync` false: once renamed into place, without fsync; a shared write syncs if any caller asked).
   */
  write(path: string, snapshot: () => unknown, sync = true): Promise<void> {
    return this.enqueue(path, async (doSync) => {
      const value = snapshot();
      if (value !== SKIP) await writeJsonAtomic(path, value, doSync);
    }, sync);
  }

  /** Removes `path`, in order with the writes asked before. */
  remove(path: string): Promise<void> {
    return this.enqueue(path, () => rm(path, { force: true }));
  }

  private enqueue(path: string, op: (sync: boolean) => Promise<void>, sync = true): Promise<void> {
    let slot = this.slots.get(path);
    if (!slot) this.slots.set(path, (slot = { running: false }));
    // A newer request replaces the waiting one: it describes the file's latest state, which covers the older ask.
    const waiters = slot.next?.waiters ?? [];
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    slot.next = { op, waiters, sync: sync || !!slot.next?.sync };
    if (!slot.running) void this.drain(path, slot);
    return done;
  }

  private async drain(path: string, slot: Slot): Promise<void> {
    slot.running = true;
    while (slot.next) {
      const { op, waiters, sync } = slot.next;
      slot.next = undefined;
      try {
        await op(sync);
        for (const w of waiters) w.resolve();
      } catch (e) {
        for (const w of waiters) w.reject(e);
      }
    }
    slot.running = false;
    this.slots.delete(path);
  }
}
