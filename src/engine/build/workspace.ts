// A build's temporary directory under <dataRoot>/build/tmp, made only when a step first needs
// one (a context written to disk for a COPY that missed the cache, heredoc files, ADD's archive
// scratch, spooled context files). A fully cached rebuild never makes it.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

export class Workspace {
  private root?: Promise<string>;
  private readonly subs = new Map<string, Promise<string>>();

  constructor(private readonly base: string) {}

  /** `<tmp dir>/<name>`, made on first use. */
  sub(name: string): Promise<string> {
    let p = this.subs.get(name);
    if (!p) {
      this.root ??= mkdir(this.base, { recursive: true }).then(() => mkdtemp(join(this.base, 'b-')));
      p = this.root.then(async (r) => { await mkdir(join(r, name), { recursive: true }); return join(r, name); });
      this.subs.set(name, p);
    }
    return p;
  }

  async remove(): Promise<void> {
    if (!this.root) return;
    const r = await this.root.catch(() => undefined);
    if (r) await rm(r, { recursive: true, force: true });
  }
}
