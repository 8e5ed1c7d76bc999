// Finds on which line of which file a model path was written, so that errors found after merging
// (schema, semantics) still point at the user's text. The text is re-parsed with the `yaml`
// package, which keeps positions, only when an error asks for a line.
import type { LineCounter, Node } from 'yaml';
import { yamlPackage } from './yaml-package.js';
import { formatPath, type SourceLocation } from './errors.js';

interface Source {
  file: string;
  text: string;
  index: number;
  parsed?: { root: Node | null; lines: LineCounter };
}

export class SourceMap {
  private readonly sources: Source[] = [];

  /** Registers document number `index` of `text`, read from `file`. */
  add(file: string, text: string, index: number): void {
    this.sources.push({ file, text, index });
  }

  /** Adds every source of `other`; later files win, as they do when merging. */
  absorb(other: SourceMap): void {
    this.sources.push(...other.sources);
  }

  /** The location of `path` (the line of its key), or of its nearest written ancestor. */
  locate(path: ReadonlyArray<string | number>): SourceLocation {
    let best: { file: string; line: number; depth: number } | undefined;
    for (let i = this.sources.length - 1; i >= 0; i--) {
      const s = this.sources[i];
      const { root, lines } = parsed(s);
      const hit = root ? find(root, path) : undefined;
      if (hit && (!best || hit.depth > best.depth)) best = { file: s.file, line: lines.linePos(hit.offset).line, depth: hit.depth };
      if (best && best.depth === path.length) break;
    }
    return best ? { file: best.file, line: best.line, path: formatPath(path) } : { path: formatPath(path) };
  }
}

function parsed(s: Source): { root: Node | null; lines: LineCounter } {
  if (!s.parsed) {
    const { LineCounter: Lines, parseAllDocuments } = yamlPackage();
    const lines = new Lines();
    const docs = parseAllDocuments(s.text, { lineCounter: lines, uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [];
    s.parsed = { root: (list[s.index]?.contents as Node | null) ?? null, lines };
  }
  return s.parsed;
}

/** Walks `path` down the YAML node tree; returns the deepest node found and the offset of its key. */
function find(root: Node, path: ReadonlyArray<string | number>): { offset: number; depth: number } | undefined {
  const { isMap, isPair, isScalar, isSeq } = yamlPackage();
  let node: Node | null | undefined = root;
  let found: { offset: number; depth: number } | undefined;
  for (let depth = 0; depth < path.length; depth++) {
    const seg = path[depth];
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) return found;
      const key = pair.key as Node;
      found = { offset: key.range?.[0] ?? 0, depth: depth + 1 };
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) return found;
      found = { offset: item.range?.[0] ?? 0, depth: depth + 1 };
      node = item;
    } else return found;
  }
  return found;
}
