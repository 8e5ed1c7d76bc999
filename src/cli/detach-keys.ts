// Detach keys, as the docker CLI watches for them on a TTY's stdin: "ctrl-p,ctrl-q" by default,
// any of "ctrl-<a-z@[\\]^_>" or single characters, comma-separated.
import { invalidArgument } from '../common/errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

export function parseDetachKeys(spec: string = DEFAULT_DETACH_KEYS): number[] {
  return spec.split(',').map((k) => {
    const key = k.trim();
    if (key.length === 1) return key.charCodeAt(0);
    const m = /^ctrl-([a-z@[\\\]^_])$/i.exec(key);
    if (!m) throw invalidArgument(`Invalid detach keys (${spec}) provided`);
    const c = m[1].toLowerCase();
    return c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : '@[\\]^_'.indexOf(c);
  });
}

/** Feeds stdin bytes through; reports when the whole sequence has been typed (bytes of a partial match are held back). */
export class DetachWatcher {
  private matched = 0;
  constructor(private readonly keys: number[]) {}

  /** Returns the bytes to forward, and whether the user asked to detach. */
  feed(chunk: Buffer): { forward: Buffer; detach: boolean } {
    const out: number[] = [];
    for (const b of chunk) {
      if (b === this.keys[this.matched]) {
        this.matched++;
        if (this.matched === this.keys.length) return { forward: Buffer.from(out), detach: true };
        continue;
      }
      if (this.matched > 0) out.push(...this.keys.slice(0, this.matched));
      this.matched = b === this.keys[0] ? 1 : 0;
      if (this.matched === 0) out.push(b);
    }
    return { forward: Buffer.from(out), detach: false };
  }
}
