// Notices containers exiting: conmon writes <exitDir>/<id> (atomically) holding the exit code.
// inotify (fs.watch) gives it at once (the event comes with conmon's rename); a slow poll covers
// any missed event.
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export class ExitWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private readonly seen = new Set<string>();

  constructor(private readonly dir: string, private readonly onExit: (id: string, code: number) => void, private readonly isWatched: (id: string) => boolean) {}

  start(): void {
    this.watcher = watch(this.dir, (_ev, name) => { if (name) void this.check(String(name)); });
    this.timer = setInterval(() => { void this.scan(); }, 1000);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Reads the exit file of one container, if there is one. Synchronously: a few bytes from the
   * page cache take microseconds, where the promise API's open/stat/read/close take four trips
   * through the thread pool on the path of every exit.
   */
  async read(id: string): Promise<number | undefined> {
    try {
      const t = readFileSync(join(this.dir, id), 'utf8').trim();
      return t === '' ? undefined : Number(t);
    } catch { return undefined; }
  }

  /** Forget a previous exit of this id (it is being started again). */
  reset(id: string): void { this.seen.delete(id); }

  async check(id: string): Promise<void> {
    if (this.seen.has(id) || !this.isWatched(id)) return;
    const code = await this.read(id);
    if (code === undefined || this.seen.has(id)) return;
    this.seen.add(id);
    this.onExit(id, code);
  }

  async scan(): Promise<void> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    for (const n of names) await this.check(n);
  }
}
