// Detach keys (default ctrl-p,ctrl-q): watching the client's stdin for the sequence that ends an
// attach without stopping the process, as Docker's escape proxy does.
import { Transform, type TransformCallback } from 'node:stream';
import { invalidArgument } from '../../../common/errors.js';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** "ctrl-p,ctrl-q" → [16, 17]; "ctrl-@" is 0, "ctrl-[" 27 ... "ctrl-_" 31; single characters as themselves. */
export function parseDetachKeys(spec: string): number[] {
  if (spec === '') return [];
  return spec.split(',').map((key) => {
    const k = key.trim();
    if (k.length === 1) return k.charCodeAt(0);
    const m = /^ctrl-(.)$/i.exec(k);
    if (m) {
      const c = m[1].toLowerCase();
      if (c >= 'a' && c <= 'z') return c.charCodeAt(0) - 96;
      const special: Record<string, number> = { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, '_': 31 };
      if (c in special) return special[c];
    }
    throw invalidArgument(`Invalid detach keys (${spec}) provided`);
  });
}

/**
 * Passes stdin through; bytes that could start the sequence are held back until it is known
 * whether they complete it. On a complete sequence it calls onDetach and passes nothing more.
 */
export class DetachKeyFilter extends Transform {
  private held: number[] = [];
  private detached = false;

  constructor(private readonly keys: number[], private readonly onDetach: () => void) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.detached || this.keys.length === 0) {
      if (!this.detached) this.push(chunk);
      cb();
      return;
    }
    const out: number[] = [];
    for (const byte of chunk) {
      if (this.detached) break;
      if (byte === this.keys[this.held.length]) {
        this.held.push(byte);
        if (this.held.length === this.keys.length) {
          this.detached = true;
          this.held = [];
        }
        continue;
      }
      out.push(...this.held);
      this.held = [];
      if (byte === this.keys[0]) this.held.push(byte);
      else out.push(byte);
    }
    if (out.length) this.push(Buffer.from(out));
    cb();
    if (this.detached) this.onDetach();
  }

  override _flush(cb: TransformCallback): void {
    if (!this.detached && this.held.length) this.push(Buffer.from(this.held));
    cb();
  }
}
