// Remembers on which line of which file each model path was written, so that errors found
// after merging (schema, semantics) can still point at the user's text.
import { formatPath, type SourceLocation } from './errors.js';

export class SourceMap {
  private readonly lines = new Map<string, { file: string; line: number }>();

  set(path: ReadonlyArray<string | number>, file: string, line: number): void {
    this.lines.set(formatPath(path), { file, line });
  }

  /** Adds every entry of `other`; later files win, as they do when merging. */
  absorb(other: SourceMap): void {
    for (const [k, v] of other.lines) this.lines.set(k, v);
  }

  /** The location of `path`, or of its nearest recorded ancestor. */
  locate(path: ReadonlyArray<string | number>): SourceLocation {
    const p = [...path];
    while (p.length > 0) {
      const hit = this.lines.get(formatPath(p));
      if (hit) return { file: hit.file, line: hit.line, path: formatPath(path) };
      p.pop();
    }
    return { path: formatPath(path) };
  }
}
